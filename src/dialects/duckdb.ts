import { ExitCode, UserError } from '../errors.js';
import { duckdbString } from './literals.js';
import { pathSegments } from './render.js';
import type { DialectSyntax } from './render.js';
import type { StatementOptions } from './statement-parts.js';
import { LIST_FIELDS, headerComment, orderAndLimit } from './statement-parts.js';

const jsonPath = (path: string): string => duckdbString(`$.${pathSegments(path, 'duckdb').join('.')}`);

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
  if (!from) throw new UserError('--dialect duckdb needs the files to read', 'no --from PATH given', ExitCode.usage, 'add --from ~/cases/acme/AWSLogs (a folder synced from the trail bucket) or a glob of .json.gz files');
  if (/[*?[]/.test(from) || /\.json(\.gz)?$/.test(from)) return from;
  return `${from.replace(/\/+$/, '')}/**/CloudTrail/*/*/*/*/*.json.gz`;
}

/** The whole statement: read the files, unnest `Records`, derive the first source IPv4 as an integer, filter. */
export function duckdbStatement(where: string, options: StatementOptions): string {
  const columns = LIST_FIELDS.map(({ alias, path }) => `  ${duckdbSyntax.text(path)} AS ${alias}`).join(',\n');
  return `${headerComment('DuckDB', options)}WITH records AS (
  SELECT unnest(Records) AS record
  FROM read_json(${duckdbString(duckdbFiles(options.from))}, columns = {Records: 'JSON[]'}, format = 'unstructured', maximum_object_size = 1073741824)
), addressed AS (
  SELECT record, trim(split_part(record->>'$.sourceIPAddress', ',', 1)) AS source_ip FROM records
), events AS (
  SELECT record, CASE WHEN regexp_full_match(source_ip, '[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}')
    AND list_max(string_split(source_ip, '.')::BIGINT[]) <= 255
    THEN list_reduce(string_split(source_ip, '.')::BIGINT[], (total, octet) -> total * 256 + octet) END AS source_ipv4
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
