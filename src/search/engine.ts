import type { Database as SqliteDatabase } from 'better-sqlite3';
import { ExitCode, UserError, messageOf } from '../errors.js';
import type { CompiledQuery } from './compile.js';
import type { SqlPart } from './fields.js';

/**
 * The one query engine behind `trailhound search`, the terminal UI, alerts and the forensic
 * commands: a compiled query becomes one SQL statement over the `events` view, run with bound values.
 */

export type SortOrder = 'newest' | 'oldest';

export interface Page {
  readonly sort: SortOrder;
  readonly limit: number;
  readonly offset: number;
}

/** What a results list shows per event; `record` only when asked for (it inflates a block). */
export const LIST_COLUMNS = [
  'row_id', 'event_time', 'recipient_account_id', 'aws_region', 'user_identity_type', 'user_identity_arn',
  'user_identity_user_name', 'user_identity_invoked_by', 'user_identity_access_key_id', 'session_issuer_arn',
  'event_source', 'event_name', 'source_ip_address', 'user_agent', 'error_code', 'error_message', 'read_only',
] as const;

export type EventListRow = { [K in (typeof LIST_COLUMNS)[number]]: K extends 'row_id' ? number : string | null } & { record?: string };

export function searchStatement(compiled: CompiledQuery, page: Page, options: { withRecord?: boolean } = {}): SqlPart {
  const direction = page.sort === 'oldest' ? 'ASC' : 'DESC';
  const columns = LIST_COLUMNS.map((column) => `e.${column}`).concat(options.withRecord ? ['e.record'] : []);
  return {
    sql: `SELECT ${columns.join(', ')}\nFROM events e\nWHERE ${compiled.where.sql}\nORDER BY e.event_time ${direction}, e.row_id ${direction}\nLIMIT ? OFFSET ?`,
    params: [...compiled.where.params, page.limit, page.offset],
  };
}

export function countStatement(compiled: CompiledQuery): SqlPart {
  return { sql: `SELECT count(*) AS n FROM events e WHERE ${compiled.where.sql}`, params: compiled.where.params };
}

export function* runSearch(db: SqliteDatabase, compiled: CompiledQuery, page: Page, options: { withRecord?: boolean } = {}): IterableIterator<EventListRow> {
  const statement = searchStatement(compiled, page, options);
  yield* run(() => db.prepare(statement.sql).iterate(...statement.params) as IterableIterator<EventListRow>);
}

export function countMatches(db: SqliteDatabase, compiled: CompiledQuery): number {
  const statement = countStatement(compiled);
  return run(() => (db.prepare(statement.sql).get(...statement.params) as { n: number }).n);
}

/** Each facet: a label and the SQL expression over `events e` whose values are counted. */
export const FACETS = [
  ['action', 'e.event_name'],
  ['identity', 'coalesce(e.user_identity_arn, e.user_identity_invoked_by, e.user_identity_type)'],
  ['source_ip', 'e.source_ip_address'],
  ['region', 'e.aws_region'],
  ['account', 'e.recipient_account_id'],
  ['error', "coalesce(e.error_code, '(none)')"],
] as const;

export type FacetName = (typeof FACETS)[number][0];

export interface FacetCounts {
  /** How many of the newest matches were counted: all of them when `complete`. */
  readonly counted: number;
  readonly complete: boolean;
  readonly facets: Record<FacetName, { value: string | null; count: number }[]>;
}

/**
 * Counts by action, identity, IP, region, account and error. Over a very broad query the counts
 * cover the newest `sample` matches, which keeps the answer interactive on millions of events; the
 * result says so (`complete: false`) and the TUI and CLI print it.
 */
export function facetStatement(compiled: CompiledQuery, options: { sample: number; top: number }): SqlPart {
  const dimensions = FACETS.map(([name, expression]) => `${expression} AS ${name}`).join(', ');
  const perFacet = FACETS.map(
    ([name], i) => `SELECT * FROM (SELECT ${i} AS facet, ${name} AS value, count(*) AS n FROM matched GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT ${options.top})`,
  );
  return {
    sql: `WITH matched AS MATERIALIZED (SELECT ${dimensions} FROM events e WHERE ${compiled.where.sql} ORDER BY e.event_time DESC LIMIT ?)\n` +
      `${perFacet.join('\nUNION ALL ')}\nUNION ALL SELECT -1, NULL, count(*) FROM matched`,
    params: [...compiled.where.params, options.sample],
  };
}

export function countFacets(db: SqliteDatabase, compiled: CompiledQuery, options: { sample?: number; top?: number } = {}): FacetCounts {
  const sample = options.sample ?? 20_000;
  const statement = facetStatement(compiled, { sample, top: options.top ?? 10 });
  const rows = run(() => db.prepare(statement.sql).all(...statement.params) as { facet: number; value: string | null; n: number }[]);
  const facets = Object.fromEntries(FACETS.map(([name]) => [name, [] as { value: string | null; count: number }[]])) as FacetCounts['facets'];
  let counted = 0;
  for (const row of rows) {
    if (row.facet === -1) counted = row.n;
    else facets[FACETS[row.facet]![0]].push({ value: row.value, count: row.n });
  }
  return { counted, complete: counted < sample, facets };
}

/** SQLite failures here mean a database from elsewhere or a bug, never the user's query text. */
function run<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError('search failed', messageOf(error), ExitCode.failed, 'is the database a trailhound index? try trailhound index again');
  }
}
