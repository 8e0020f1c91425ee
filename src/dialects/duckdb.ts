import { ExitCode, UserError } from '../errors.js';
import { duckdbString } from './literals.js';
import { pathSegments } from './render.js';
import type { DialectSyntax } from './render.js';
import type { StatementOptions } from './statement-parts.js';
import { LIST_FIELDS, headerComment, orderAndLimit } from './statement-parts.js';

const jsonPath = (path: string): string =>
  duckdbString(
    `$.${pathSegments(path, 'duckdb')
      .map((key) => (key.includes('-') ? `"${key}"` : key))
      .join('.')}`,
  );

/** DuckDB over `read_json`: each record is a JSON value, reached with `->>` JSON paths. */
export const duckdbSyntax: DialectSyntax = {
  name: 'duckdb',
  quote: duckdbString,
  text: (path) => `(record->>${jsonPath(path)})`,
  json: (path) => `CAST(record->${jsonPath(path)} AS VARCHAR)`,
  recordText: 'CAST(record AS VARCHAR)',
  flagText: (path) => `lower(record->>${jsonPath(path)})`,
  ipv4InRange: (first, last) => `source_ipv4 BETWEEN ${first} AND ${last}`,
  likeInsensitive: (expr, pattern) => `${expr} ILIKE ${duckdbString(pattern)} ESCAPE '\\'`,
  regexMatch: (expr, regex) => `regexp_matches(${expr}, ${duckdbString(regex)})`,
  withoutVersion: (expr) => `regexp_replace(${expr}, '^([A-Za-z]+?)[0-9][0-9v_]*$', '\\1')`,
  eventTime: `(record->>'$.eventTime')`,
};

/**
 * The files under `from`: a folder means every CloudTrail log file below it, in the S3 layout
 * (digests and Insights live beside them and are not events); a glob or file is taken as written.
 */
export function duckdbFiles(from: string | undefined): string {
  if (!from)
    throw new UserError({
      what: '--dialect duckdb needs the files to read',
      reason: 'no --from PATH given',
      help: 'add --from ~/cases/acme/AWSLogs (a folder synced from the trail bucket) or a glob of .json.gz files',
      exitCode: ExitCode.usage,
    });
  if (/[*?[]/.test(from) || /\.json(\.gz)?$/.test(from)) return from;
  return `${from.replace(/\/+$/, '')}/**/CloudTrail/*/*/*/*/*.json.gz`;
}

/** 0-255, with or without leading zeros, as trailhound's ipv4ToInt accepts. */
const OCTET = '(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])';

/** The table function that reads the files: one row per file, its `Records` as a list of JSON values. */
export function duckdbReadFiles(from: string | undefined): string {
  const readOptions = `columns = {Records: 'JSON[]'}, format = 'unstructured', maximum_object_size = 1073741824`;
  return `read_json(${duckdbString(duckdbFiles(from))}, ${readOptions})`;
}

/** The whole statement: read the files, unnest `Records`, derive the first source IPv4 as an integer, filter. */
export function duckdbStatement(where: string, options: StatementOptions): string {
  const columns = LIST_FIELDS.map(({ alias, path }) => `  ${duckdbSyntax.text(path)} AS ${alias}`).join(',\n');
  const octetValues = [1, 2, 3, 4].map((n) => `CAST(split_part(source_ip, '.', ${n}) AS BIGINT) * ${256 ** (4 - n)}`);
  return `${headerComment('DuckDB', options)}WITH records AS (
  SELECT unnest(Records) AS record
  FROM ${duckdbReadFiles(options.from)}
), addressed AS (
  SELECT record, trim(split_part(record->>'$.sourceIPAddress', ',', 1)) AS source_ip FROM records
), events AS (
  -- the first address as a 32-bit integer, for CIDR ranges (trailhound's source_ipv4_int)
  SELECT record, CASE WHEN regexp_full_match(source_ip, '${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}')
    THEN ${octetValues.join(' + ')} END AS source_ipv4
  FROM addressed
)
SELECT
${columns},
  record
FROM events
WHERE ${where}
${orderAndLimit('event_time', options)};
`;
}
