import { ExitCode, UserError } from '../errors.js';
import { clickhouseString } from './literals.js';
import { pathSegments } from './render.js';
import type { DialectSyntax } from './render.js';
import type { StatementOptions } from './statement-parts.js';
import { LIST_FIELDS, headerComment, orderAndLimit } from './statement-parts.js';

const keys = (path: string): string => pathSegments(path, 'clickhouse').map(clickhouseString).join(', ');

const SOURCE_IPV4 = `toUInt32(toIPv4OrNull(trim(splitByChar(',', JSONExtractString(record, 'sourceIPAddress'))[1])))`;

/**
 * ClickHouse over `file()` or `s3()` in JSONAsString format: each record stays JSON text and is read
 * with the JSONExtract functions, which give '' (not NULL) for a missing field; `nullIf` turns that
 * back into NULL so that absent fields behave as in the other engines.
 */
export const clickhouseSyntax: DialectSyntax = {
  name: 'clickhouse',
  quote: clickhouseString,
  text: (path) => `nullIf(JSONExtractString(record, ${keys(path)}), '')`,
  json: (path) => `JSONExtractRaw(record, ${keys(path)})`,
  recordText: 'record',
  // readOnly is logged as true/false, and as "true"/"false" in some copies.
  flagText: (path) => `lower(trim(BOTH '"' FROM JSONExtractRaw(record, ${keys(path)})))`,
  ipv4InRange: (first, last) => `${SOURCE_IPV4} BETWEEN ${first} AND ${last}`,
  likeInsensitive: (expr, pattern) => `${expr} ILIKE ${clickhouseString(pattern)}`,
  regexMatch: (expr, regex) => `match(${expr}, ${clickhouseString(regex)})`,
  withoutVersion: (expr) => `replaceRegexpOne(${expr}, '^([A-Za-z]+?)[0-9][0-9v_]*$', '\\\\1')`,
  eventTime: `JSONExtractString(record, 'eventTime')`,
};

/**
 * `file()` for a local folder or glob; `s3()` for an `s3://bucket/prefix` (path-style HTTPS URL, credentials from the
 * server's settings).
 */
export function clickhouseSource(from: string | undefined): string {
  if (!from)
    throw new UserError({
      what: '--dialect clickhouse needs the files to read',
      reason: 'no --from PATH given',
      help: 'add --from ~/cases/acme/AWSLogs, a glob of .json.gz files, or s3://bucket/prefix/AWSLogs',
      exitCode: ExitCode.usage,
    });
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(from);
  const location = s3 ? `https://${s3[1]}.s3.amazonaws.com/${s3[2]}` : from;
  const files =
    /[*?{]/.test(location) || /\.json(\.gz)?$/.test(location)
      ? location
      : `${location.replace(/\/+$/, '')}/**/CloudTrail/*/*/*/*/*.json.gz`;
  return `${s3 ? 's3' : 'file'}(${clickhouseString(files)}, 'JSONAsString', 'json String')`;
}

export function clickhouseStatement(where: string, options: StatementOptions): string {
  const columns = LIST_FIELDS.map(({ alias, path }) => `  ${clickhouseSyntax.text(path)} AS ${alias}`).join(',\n');
  return `${headerComment('ClickHouse', options)}SELECT
${columns},
  record
FROM ${clickhouseSource(options.from)}
ARRAY JOIN JSONExtractArrayRaw(json, 'Records') AS record
WHERE ${where}
${orderAndLimit('event_time', options)};
`;
}
