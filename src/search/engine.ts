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
const LIST_COLUMNS = [
  'row_id', 'event_id', 'event_time', 'recipient_account_id', 'aws_region', 'user_identity_type', 'user_identity_arn',
  'user_identity_user_name', 'user_identity_invoked_by', 'user_identity_access_key_id', 'session_issuer_arn',
  'event_source', 'event_name', 'source_ip_address', 'user_agent', 'error_code', 'error_message', 'read_only',
] as const;

export type EventListRow = { [K in (typeof LIST_COLUMNS)[number]]: K extends 'row_id' ? number : string | null } & { record?: string };

/**
 * The search as one statement: the page's row ids are chosen first from indexes alone (no record
 * is read for the rows skipped), then those rows are read. This is what `--sql` prints.
 */
export function searchStatement(compiled: CompiledQuery, page: Page, options: { withRecord?: boolean } = {}): SqlPart {
  const order = orderBy(page);
  return {
    sql: `SELECT ${listColumns(options)}\nFROM events e\nWHERE e.row_id IN (\n  SELECT e.row_id FROM events e\n  WHERE ${compiled.where.sql}\n  ${order}\n  LIMIT ? OFFSET ?)\n${order}`,
    params: [...compiled.where.params, page.limit, page.offset],
  };
}

/**
 * The same page looked for among the newest `window` events only, testing each row. When the query
 * is broad that finds the page after a few thousand rows, where the indexed form would first gather
 * every match (hundreds of thousands) to sort them. A full page found there is the right page: any
 * match outside the window sorts after every event inside it.
 */
function recentWindowStatement(compiled: CompiledQuery, page: Page, window: number): SqlPart {
  const direction = page.sort === 'oldest' ? 'ASC' : 'DESC';
  return {
    sql: `SELECT e.row_id FROM (SELECT r.*, r.id AS row_id FROM event_rows r ORDER BY r.event_time ${direction}, r.id ${direction} LIMIT ?) e\n` +
      `WHERE ${compiled.rowWhere.sql}\n${orderBy(page)}\nLIMIT ? OFFSET ?`,
    params: [window, ...compiled.rowWhere.params, page.limit, page.offset],
  };
}

function orderBy(page: Page): string {
  const direction = page.sort === 'oldest' ? 'ASC' : 'DESC';
  return `ORDER BY e.event_time ${direction}, e.row_id ${direction}`;
}

function listColumns(options: { withRecord?: boolean }): string {
  return LIST_COLUMNS.map((column) => `e.${column}`).concat(options.withRecord ? ['e.record'] : []).join(', ');
}

function countStatement(compiled: CompiledQuery): SqlPart {
  return { sql: `SELECT count(*) AS n FROM events e WHERE ${compiled.where.sql}`, params: compiled.where.params };
}

/** Newest events looked at before falling back to the indexed statement; pages deeper than a tenth of it go straight there. */
const RECENT_WINDOW = 5_000;

export function* runSearch(db: SqliteDatabase, compiled: CompiledQuery, page: Page, options: { withRecord?: boolean } = {}): IterableIterator<EventListRow> {
  const ids = page.offset + page.limit <= RECENT_WINDOW / 10 ? pageFromRecentWindow(db, compiled, page) : null;
  if (ids === null) {
    const statement = searchStatement(compiled, page, options);
    yield* run(() => db.prepare(statement.sql).iterate(...statement.params) as IterableIterator<EventListRow>);
    return;
  }
  const sql = `SELECT ${listColumns(options)} FROM events e WHERE e.row_id IN (SELECT value FROM json_each(?))\n${orderBy(page)}`;
  yield* run(() => db.prepare(sql).iterate(JSON.stringify(ids)) as IterableIterator<EventListRow>);
}

/** The page's row ids if the newest events hold a full page of matches, else null. */
function pageFromRecentWindow(db: SqliteDatabase, compiled: CompiledQuery, page: Page): number[] | null {
  const statement = recentWindowStatement(compiled, page, RECENT_WINDOW);
  const ids = run(() => db.prepare(statement.sql).pluck().all(...statement.params) as number[]);
  return ids.length === page.limit ? ids : null;
}

export function countMatches(db: SqliteDatabase, compiled: CompiledQuery): number {
  const statement = countStatement(compiled);
  return run(() => (db.prepare(statement.sql).get(...statement.params) as { n: number }).n);
}

/**
 * The number of matches up to `cap` (`capped` when there are more): what an interactive screen can
 * afford to show on every keystroke. A broad query stops counting after `cap` rows, newest first.
 */
export function countMatchesUpTo(db: SqliteDatabase, compiled: CompiledQuery, cap: number): { count: number; capped: boolean } {
  const broad = shareOfRecentMatching(db, compiled) >= BROAD_QUERY_SHARE;
  const where = broad ? compiled.rowWhere : compiled.where;
  const source = broad ? '(SELECT r.*, r.id AS row_id FROM event_rows r ORDER BY r.event_time DESC, r.id DESC LIMIT -1) e' : 'events e';
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${source} WHERE ${where.sql} LIMIT ?)`;
  const count = run(() => (db.prepare(sql).get(...where.params, cap + 1) as { n: number }).n);
  return { count: Math.min(count, cap), capped: count > cap };
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
 * Counts by action, identity, IP, region, account and error over the newest `sample` matches (all
 * of them when there are fewer; the result says which). The matches' ids come first, from indexes
 * or from a newest-first scan, and only those rows are read.
 */
function facetStatement(compiled: CompiledQuery, options: { sample: number; top: number; scanNewest: boolean }): SqlPart {
  const dimensions = FACETS.map(([name, expression]) => `${expression} AS ${name}`).join(', ');
  const perFacet = FACETS.map(
    ([name], i) => `SELECT * FROM (SELECT ${i} AS facet, ${name} AS value, count(*) AS n FROM matched GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT ${options.top})`,
  );
  const ids = options.scanNewest
    // The inner LIMIT keeps SQLite from flattening the subquery, so rows come newest first.
    ? { sql: `SELECT e.row_id FROM (SELECT r.*, r.id AS row_id FROM event_rows r ORDER BY r.event_time DESC, r.id DESC LIMIT -1) e WHERE ${compiled.rowWhere.sql} LIMIT ?`, params: compiled.rowWhere.params }
    : { sql: `SELECT e.row_id FROM events e WHERE ${compiled.where.sql} ORDER BY e.event_time DESC, e.row_id DESC LIMIT ?`, params: compiled.where.params };
  return {
    sql: `WITH matched AS MATERIALIZED (SELECT ${dimensions} FROM events e WHERE e.row_id IN (${ids.sql}))\n` +
      `${perFacet.join('\nUNION ALL ')}\nUNION ALL SELECT -1, NULL, count(*) FROM matched`,
    params: [...ids.params, options.sample],
  };
}

/** Share of the newest events that match, above which scanning newest first beats gathering every match. */
const BROAD_QUERY_SHARE = 0.2;

export function countFacets(db: SqliteDatabase, compiled: CompiledQuery, options: { sample?: number; top?: number } = {}): FacetCounts {
  const sample = options.sample ?? 5_000;
  const statement = facetStatement(compiled, { sample, top: options.top ?? 10, scanNewest: shareOfRecentMatching(db, compiled) >= BROAD_QUERY_SHARE });
  const rows = run(() => db.prepare(statement.sql).all(...statement.params) as { facet: number; value: string | null; n: number }[]);
  const facets = Object.fromEntries(FACETS.map(([name]) => [name, [] as { value: string | null; count: number }[]])) as FacetCounts['facets'];
  let counted = 0;
  for (const row of rows) {
    if (row.facet === -1) counted = row.n;
    else facets[FACETS[row.facet]![0]].push({ value: row.value, count: row.n });
  }
  return { counted, complete: counted < sample, facets };
}

function shareOfRecentMatching(db: SqliteDatabase, compiled: CompiledQuery): number {
  const sql = `SELECT count(*) AS n, (SELECT count(*) FROM (SELECT 1 FROM event_rows LIMIT ?)) AS total FROM (SELECT r.*, r.id AS row_id FROM event_rows r ORDER BY r.event_time DESC, r.id DESC LIMIT ?) e WHERE ${compiled.rowWhere.sql}`;
  const { n, total } = run(() => db.prepare(sql).get(RECENT_WINDOW, RECENT_WINDOW, ...compiled.rowWhere.params) as { n: number; total: number });
  return total === 0 ? 0 : n / total;
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
