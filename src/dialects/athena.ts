import { DELIVERY_SLACK_MS } from '../sources/key-filter.js';
import { CLOUDTRAIL_COLUMNS } from './cloudtrail-table.js';
import type { Column, ColumnType } from './cloudtrail-table.js';
import { trinoString } from './literals.js';
import { DialectError, pathSegments } from './render.js';
import type { DialectName, DialectSyntax } from './render.js';
import type { StatementOptions } from './statement-parts.js';
import { LIST_FIELDS, headerComment, orderAndLimit } from './statement-parts.js';
import type { Predicate } from './predicate.js';
import { requiredTimeRange } from './predicate.js';

export const DEFAULT_TABLE = 'cloudtrail_logs';

/** A field path resolved against the table: a column expression, or JSON text and a path inside it. */
type Resolved =
  { readonly expr: string; readonly type: ColumnType } | { readonly expr: string; readonly jsonPath: string };

function resolve(path: string, dialect: DialectName): Resolved {
  const segments = pathSegments(path, dialect);
  let columns: readonly Column[] = CLOUDTRAIL_COLUMNS;
  let expr = '';
  for (const [index, segment] of segments.entries()) {
    const column = columns.find((candidate) => candidate.name.toLowerCase() === segment.toLowerCase());
    if (!column)
      throw new DialectError(
        dialect,
        `"${path}" is not a field of the CloudTrail table`,
        'trailhound athena-table prints the table and its columns',
      );
    expr = expr === '' ? column.name.toLowerCase() : `${expr}.${column.name.toLowerCase()}`;
    const rest = segments.slice(index + 1);
    if (rest.length === 0) return { expr, type: column.type };
    if (column.type.kind === 'json')
      return { expr, jsonPath: `$${rest.map((key) => (key.includes('-') ? `["${key}"]` : `.${key}`)).join('')}` };
    if (column.type.kind !== 'struct') {
      const leaf = segments.slice(0, index + 1).join('.');
      const leafKind = column.type.kind === 'array' ? 'an array' : 'text';
      throw new DialectError(
        dialect,
        `"${path}": ${leaf} is ${leafKind}, with no fields below it`,
        `name ${leaf} itself; trailhound athena-table prints the table and its columns`,
      );
    }
    columns = column.type.fields;
  }
  throw new DialectError(
    dialect,
    `"${path}" names no field`,
    'give a field path such as eventName or userIdentity.arn',
  );
}

function textOf(resolved: Resolved): string {
  if ('jsonPath' in resolved) return `json_extract_scalar(${resolved.expr}, ${trinoString(resolved.jsonPath)})`;
  return resolved.type.kind === 'struct' || resolved.type.kind === 'array'
    ? `json_format(CAST(${resolved.expr} AS JSON))`
    : resolved.expr;
}

function jsonOf(resolved: Resolved): string {
  if ('jsonPath' in resolved) return `json_format(json_extract(${resolved.expr}, ${trinoString(resolved.jsonPath)}))`;
  return textOf(resolved);
}

/** Trino SQL, which Athena (engine 3) speaks too, over the CloudTrail table. */
function trinoSyntax(name: 'athena' | 'trino'): DialectSyntax {
  const columnTexts = CLOUDTRAIL_COLUMNS.map((column) =>
    textOf({ expr: column.name.toLowerCase(), type: column.type }),
  );
  return {
    name,
    quote: trinoString,
    text: (path) => textOf(resolve(path, name)),
    json: (path) => jsonOf(resolve(path, name)),
    // The table has no column with the record as logged: its columns, as JSON text, stand for it.
    recordText: `concat_ws(' ', ${columnTexts.join(', ')})`,
    flagText: (path) => `lower(${textOf(resolve(path, name))})`,
    // Trino's own CIDR test; TRY_CAST leaves service names ("ecs.amazonaws.com") as NULL, not an error.
    ipv4InRange: (_first, _last, cidr) =>
      `contains(${trinoString(cidr)}, TRY_CAST(trim(split_part(sourceipaddress, ',', 1)) AS IPADDRESS))`,
    likeInsensitive: (expr, pattern) => `lower(${expr}) LIKE ${trinoString(pattern.toLowerCase())} ESCAPE '\\'`,
    regexMatch: (expr, regex) => `regexp_like(${expr}, ${trinoString(regex)})`,
    withoutVersion: (expr) => `regexp_replace(${expr}, '^([A-Za-z]+?)[0-9][0-9v_]*$', '$1')`,
    eventTime: 'eventtime',
  };
}

export const athenaSyntax = trinoSyntax('athena');
export const trinoDialectSyntax = trinoSyntax('trino');

/**
 * The days to read, as conditions on the projected `timestamp` partition (`yyyy/MM/dd`, the day a
 * file was delivered): from the `since:` day to the day of `until:` plus the delivery slack
 * (sources/key-filter.ts), so late deliveries are still read.
 */
export function partitionFilter(predicate: Predicate): string[] {
  const { since, until } = requiredTimeRange(predicate);
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
  const conditions: string[] = [];
  if (since !== null) conditions.push(`"timestamp" >= ${trinoString(day(Date.parse(since)))}`);
  if (until !== null) conditions.push(`"timestamp" <= ${trinoString(day(Date.parse(until) + DELIVERY_SLACK_MS))}`);
  return conditions;
}

export function trinoStatement(
  engine: 'Athena' | 'Trino',
  predicate: Predicate,
  where: string,
  options: StatementOptions,
): string {
  const syntax = engine === 'Athena' ? athenaSyntax : trinoDialectSyntax;
  const columns = LIST_FIELDS.map(({ alias, path }) => `  ${syntax.text(path)} AS ${alias}`).join(',\n');
  const conditions = [...partitionFilter(predicate), where];
  return `${headerComment(engine, options)}SELECT
${columns}
FROM ${options.table ?? DEFAULT_TABLE}
WHERE ${conditions.join('\n  AND ')}
${orderAndLimit('eventtime', options)};
`;
}
