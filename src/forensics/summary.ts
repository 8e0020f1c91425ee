import type { CompiledQuery } from '../search/compile.js';
import { IDENTITY_SQL } from '../search/event-identity.js';
import type { SqlPart } from '../search/fields.js';
import { iterateRows } from '../search/read-statement.js';
import type { SqliteDatabase } from '../store/db.js';
import { SHORT_ACTION_SQL, limitParam, limitRows } from './statement.js';
import type { LimitedRows } from './statement.js';

/** What `trailhound summary --by` groups matching events by. */
export const SUMMARY_DIMENSIONS = ['identity', 'ip', 'key', 'action'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

/** Each dimension's output column and group key over `events e`: fixed SQL, never built from input. */
const GROUP_KEYS: Record<SummaryDimension, { readonly column: string; readonly sql: string }> = {
  identity: { column: 'identity', sql: IDENTITY_SQL },
  ip: { column: 'source_ip', sql: 'e.source_ip_address' },
  key: { column: 'access_key', sql: 'e.user_identity_access_key_id' },
  action: { column: 'action', sql: SHORT_ACTION_SQL },
};

const MEASURES = [
  ['first_seen', 'min(e.event_time)'],
  ['last_seen', 'max(e.event_time)'],
  ['events', 'count(*)'],
  ['actions', `count(DISTINCT ${SHORT_ACTION_SQL})`],
  ['source_ips', 'count(DISTINCT e.source_ip_address)'],
  ['regions', 'count(DISTINCT e.aws_region)'],
  ['errors', 'count(e.error_code)'],
] as const;

/** Only an identity can hold several keys worth counting; a key belongs to one identity. */
const ACCESS_KEYS = ['access_keys', 'count(DISTINCT e.user_identity_access_key_id)'] as const;

/** One summary line; the group column is named by the dimension (`identity`, `source_ip`, …). */
export type SummaryRow = Record<string, string | number | null>;

/** The output columns of a summary by `by`, in order. */
export function summaryColumns(by: SummaryDimension): string[] {
  return [GROUP_KEYS[by].column, ...measuresOf(by).map(([name]) => name)];
}

/** One row per group of matching events, most events first; ties by group value. */
export function summaryStatement(
  compiled: CompiledQuery,
  options: { by: SummaryDimension; limit: number | null },
): SqlPart {
  const key = GROUP_KEYS[options.by];
  const measures = measuresOf(options.by).map(([name, sql]) => `${sql} AS ${name}`);
  return {
    sql:
      `SELECT ${key.sql} AS ${key.column}, ${measures.join(', ')}\nFROM events e\nWHERE ${compiled.where.sql}\n` +
      `GROUP BY 1\nORDER BY events DESC, 1\nLIMIT ?`,
    params: [...compiled.where.params, limitParam(options.limit)],
  };
}

/**
 * Summarises matching events by identity, IP, key or action. SQLite does the grouping; rows are
 * read one at a time as the caller writes them. `limit` null means every group.
 */
export function summarize(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  options: { by: SummaryDimension; limit: number | null },
): LimitedRows<SummaryRow> {
  const asked = options.limit === null ? null : options.limit + 1;
  const statement = summaryStatement(compiled, { by: options.by, limit: asked });
  return limitRows(iterateRows<SummaryRow>(db, statement, 'summary failed'), options.limit);
}

function measuresOf(by: SummaryDimension): (readonly [string, string])[] {
  return by === 'identity' ? [...MEASURES, ACCESS_KEYS] : [...MEASURES];
}
