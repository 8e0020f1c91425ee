import type { SqliteDatabase } from '../store/db.js';
import type { CompiledQuery } from './compile.js';
import { IDENTITY_SQL } from './event-identity.js';
import type { SqlPart } from './fields.js';
import { allRows, allValues, firstRow, firstValue, iterateRows } from './read-statement.js';

/**
 * The one query engine behind `trailhound search`, the terminal UI, alerts and the forensic
 * commands: a compiled query becomes one SQL statement over the `events` view, run with bound values.
 */

export type SortOrder = 'newest' | 'oldest';

/** The headline of a search's database failure (read-statement.ts). */
export const SEARCH_FAILED = 'search failed';

export interface Page {
  readonly sort: SortOrder;
  readonly limit: number;
  readonly offset: number;
}

/** What a results list shows per event; `record` only when asked for (the largest column by far). */
const LIST_COLUMNS = [
  'row_id',
  'event_id',
  'event_time',
  'recipient_account_id',
  'aws_region',
  'user_identity_type',
  'user_identity_arn',
  'user_identity_user_name',
  'user_identity_invoked_by',
  'user_identity_access_key_id',
  'session_issuer_arn',
  'event_source',
  'event_name',
  'source_ip_address',
  'user_agent',
  'error_code',
  'error_message',
  'read_only',
] as const;

export type EventListRow = { [K in (typeof LIST_COLUMNS)[number]]: K extends 'row_id' ? number : string | null } & {
  record?: string;
};

/**
 * The search as one statement: the page's row ids are chosen first from indexes alone (no record
 * is read for the rows skipped), then those rows are read. This is what `--sql` prints.
 */
export function searchStatement(compiled: CompiledQuery, page: Page, options: { withRecord?: boolean } = {}): SqlPart {
  const order = orderBy(page);
  return {
    sql:
      `SELECT ${listColumns(options)}\nFROM events e\nWHERE e.row_id IN (\n` +
      `  SELECT e.row_id FROM events e\n  WHERE ${compiled.where.sql}\n  ${order}\n  LIMIT ? OFFSET ?)\n${order}`,
    params: [...compiled.where.params, page.limit, page.offset],
  };
}

/**
 * The same page looked for among the newest `window` events only, testing each row. When the query
 * is broad that finds the page after a few thousand rows, where the indexed form would first gather
 * every match (hundreds of thousands) to sort them. A full page found there is the right page: any
 * match outside the window sorts after every event inside it.
 */
function recentWindowStatement(page: Page, window: number, rowTest: SqlPart): SqlPart {
  return {
    sql:
      `SELECT e.row_id FROM ${eventsInTimeOrder(page.sort, '?')}\n` +
      `WHERE ${rowTest.sql}\n${orderBy(page)}\nLIMIT ? OFFSET ?`,
    params: [window, ...rowTest.params, page.limit, page.offset],
  };
}

/**
 * The events as `e`, read along the time index newest (or oldest) first, as many as `limit` (a `?`,
 * or -1 for all): the LIMIT keeps SQLite from flattening the subquery, so rows come in that order
 * and a scan can stop early.
 */
function eventsInTimeOrder(sort: SortOrder, limit: '?' | '-1'): string {
  const direction = directionOf(sort);
  return (
    '(SELECT r.*, r.id AS row_id FROM event_rows r ' +
    `ORDER BY r.event_time ${direction}, r.id ${direction} LIMIT ${limit}) e`
  );
}

function directionOf(sort: SortOrder): 'ASC' | 'DESC' {
  return sort === 'oldest' ? 'ASC' : 'DESC';
}

function orderBy(page: Pick<Page, 'sort'>): string {
  const direction = directionOf(page.sort);
  return `ORDER BY e.event_time ${direction}, e.row_id ${direction}`;
}

function listColumns(options: { withRecord?: boolean }): string {
  return LIST_COLUMNS.map((column) => `e.${column}`)
    .concat(options.withRecord ? ['e.record'] : [])
    .join(', ');
}

function countStatement(compiled: CompiledQuery): SqlPart {
  return { sql: `SELECT count(*) AS n FROM events e WHERE ${compiled.where.sql}`, params: compiled.where.params };
}

/**
 * Newest events looked at before falling back to the indexed statement; pages deeper than a tenth of it go straight
 * there.
 */
const RECENT_WINDOW = 5_000;

export function* runSearch(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  page: Page,
  options: { withRecord?: boolean } = {},
): IterableIterator<EventListRow> {
  const scan = newestScanFor(db, compiled, page);
  const ids = scan === null ? null : pageFromNewest(db, page, scan);
  if (ids === null) {
    yield* iterateRows<EventListRow>(db, searchStatement(compiled, page, options), SEARCH_FAILED);
    return;
  }
  yield* rowsWithIds(db, ids, page.sort, options);
}

/** The rows of `ids`, read by id and put in the page's order. */
function rowsWithIds(
  db: SqliteDatabase,
  ids: readonly number[],
  sort: SortOrder,
  options: { withRecord?: boolean },
): IterableIterator<EventListRow> {
  const sql =
    `SELECT ${listColumns(options)} FROM events e WHERE e.row_id IN (SELECT value FROM json_each(?))\n` +
    orderBy({ sort });
  return iterateRows<EventListRow>(db, { sql, params: [JSON.stringify(ids)] }, SEARCH_FAILED);
}

/**
 * Every match, in order, for an export: the ids are sorted once, then rows are read `pageSize` at a
 * time by id. Paging with OFFSET sorted the matches again for every page and skipped all the rows
 * before it: exporting 582k matches of 1M events took 439 s. Memory holds the ids, never the rows.
 */
export function* allMatches(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  sort: SortOrder,
  pageSize: number,
  options: { withRecord?: boolean; offset?: number } = {},
): IterableIterator<EventListRow> {
  const sql = `SELECT e.row_id FROM events e WHERE ${compiled.where.sql}\n${orderBy({ sort })}`;
  const ids = allValues<number>(db, { sql, params: compiled.where.params }, SEARCH_FAILED);
  for (let start = options.offset ?? 0; start < ids.length; start += pageSize)
    yield* rowsWithIds(db, ids.slice(start, start + pageSize), sort, options);
}

/** An event stored by a watch batch, with what an alert prints of it. */
export type AddedMatch = EventListRow & { readonly record: string; readonly source_file: string | null };

/**
 * Matches among the events with row ids in (afterRowId, upToRowId], oldest row first: what one watch
 * batch added (the watch is the only writer, so new rows have larger ids). Tested row by row over
 * that range: the full-text narrowing would gather matches from the whole history every batch.
 */
export function matchesAddedBetween(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  afterRowId: number,
  upToRowId: number,
): AddedMatch[] {
  return rowsAddedBetween(db, compiled.rowWhere, afterRowId, upToRowId);
}

/** The same for any condition on `events e` (a Sigma rule's, for `watch --alert-rules`). */
export function rowsAddedBetween(
  db: SqliteDatabase,
  where: SqlPart,
  afterRowId: number,
  upToRowId: number,
): AddedMatch[] {
  const sql = `SELECT ${listColumns({ withRecord: true })}, e.source_file FROM events e
    WHERE e.row_id > ? AND e.row_id <= ? AND (${where.sql}) ORDER BY e.row_id`;
  return allRows<AddedMatch>(db, { sql, params: [afterRowId, upToRowId, ...where.params] }, SEARCH_FAILED);
}

/** How many of the newest events to test row by row for a page, and the test; null: go straight to indexes. */
interface NewestScan {
  readonly window: number;
  readonly rowTest: SqlPart;
}

function newestScanFor(db: SqliteDatabase, compiled: CompiledQuery, page: Page): NewestScan | null {
  const wanted = page.offset + page.limit;
  if (compiled.textOnly !== null) return newestScanForText(db, compiled, compiled.textOnly, wanted);
  return wanted <= RECENT_WINDOW / 10 ? { window: RECENT_WINDOW, rowTest: compiled.rowWhere } : null;
}

/**
 * Free text can be counted through the full-text index first (streaming, stopping early), which
 * says how far back a page of matches lies. A word in most events (`us` of us-east-1, typed on the
 * way to a longer query) is looked up per row: as a set it would hold 600k ids (90 ms to build),
 * while a page is found within a few hundred rows (5 ms). A word in a few percent of events is
 * tested as a set over as many newest rows as should hold the page twice over: `action`, in 18k of
 * 1M events, took 80 ms to sort all its matches by time, and 10 ms this way. Rarer words are
 * answered from their matches alone.
 */
function newestScanForText(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  expression: string,
  wanted: number,
): NewestScan | null {
  const total = firstValue<number>(
    db,
    { sql: 'SELECT coalesce(max(id), 0) FROM event_rows', params: [] },
    SEARCH_FAILED,
  )!;
  const common = Math.max(1, Math.ceil(total * BROAD_QUERY_SHARE));
  const matches = countTextMatches(db, expression, common);
  if (matches >= common && wanted <= RECENT_WINDOW / 10) {
    return {
      window: RECENT_WINDOW,
      rowTest: {
        sql: 'EXISTS (SELECT 1 FROM events_fts f WHERE f.events_fts MATCH ? AND f.rowid = e.row_id)',
        params: [expression],
      },
    };
  }
  const window = matches === 0 ? Number.POSITIVE_INFINITY : depthHoldingTwice(wanted, matches, total);
  return window <= matches ? { window, rowTest: compiled.rowWhere } : null;
}

/** Newest rows to scan for `wanted` matches twice over, when `matches` of `rows` rows matched. */
function depthHoldingTwice(wanted: number, matches: number, rows: number): number {
  return Math.ceil((2 * wanted * rows) / matches);
}

/**
 * The page's row ids if the newest `scan.window` events hold a full page of matches, else null.
 * A window holding part of a first page tells how common the matches are: one more window, as deep
 * as should hold the page twice over, is tried when that is still shallow. (`error:AccessDenied`,
 * 2% of 1M events: 5 ms, where sorting all 18k matches by time took 50 ms, 250 ms from a cold cache.)
 */
function pageFromNewest(db: SqliteDatabase, page: Page, scan: NewestScan): number[] | null {
  const ids = idsInNewest(db, page, scan.window, scan.rowTest);
  if (ids.length === page.limit) return ids;
  if (ids.length === 0 || page.offset > 0) return null;
  const deeper = depthHoldingTwice(page.limit, ids.length, scan.window);
  if (deeper > MAX_SCAN_WINDOW) return null;
  const more = idsInNewest(db, page, deeper, scan.rowTest);
  return more.length === page.limit ? more : null;
}

/** Deepest newest-first scan worth trying: about 25 ms, where the indexed plan needs a few thousand matches. */
const MAX_SCAN_WINDOW = 50_000;

function idsInNewest(db: SqliteDatabase, page: Page, window: number, rowTest: SqlPart): number[] {
  return allValues<number>(db, recentWindowStatement(page, window, rowTest), SEARCH_FAILED);
}

/** Matches of a full-text expression, counted up to `limit`: the index streams them, so this stops early. */
function countTextMatches(db: SqliteDatabase, expression: string, limit: number): number {
  const sql = 'SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ? LIMIT ?)';
  return firstValue<number>(db, { sql, params: [expression, limit] }, SEARCH_FAILED)!;
}

export function countMatches(db: SqliteDatabase, compiled: CompiledQuery): number {
  return firstValue<number>(db, countStatement(compiled), SEARCH_FAILED)!;
}

/**
 * The number of matches up to `cap` (`capped` when there are more): what an interactive screen can
 * afford to show on every keystroke. A broad query stops counting after `cap` rows, newest first.
 */
export function countMatchesUpTo(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  cap: number,
): { count: number; capped: boolean } {
  if (compiled.textOnly !== null) {
    // One full-text row per event: the index alone counts free text, streaming, and stops at the cap.
    const count = countTextMatches(db, compiled.textOnly, cap + 1);
    return { count: Math.min(count, cap), capped: count > cap };
  }
  const broad = shareOfRecentMatching(db, compiled) >= BROAD_QUERY_SHARE;
  const where = broad ? compiled.rowWhere : compiled.where;
  const source = broad ? eventsInTimeOrder('newest', '-1') : 'events e';
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${source} WHERE ${where.sql} LIMIT ?)`;
  const count = firstValue<number>(db, { sql, params: [...where.params, cap + 1] }, SEARCH_FAILED)!;
  return { count: Math.min(count, cap), capped: count > cap };
}

/** Each facet: a label and the SQL expression over `events e` whose values are counted. */
export const FACETS = [
  ['action', 'e.event_name'],
  ['identity', IDENTITY_SQL],
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
function facetStatement(
  compiled: CompiledQuery,
  options: { sample: number; top: number; scanNewest: boolean },
): SqlPart {
  const dimensions = FACETS.map(([name, expression]) => `${expression} AS ${name}`).join(', ');
  const perFacet = FACETS.map(
    ([name], i) =>
      `SELECT * FROM (SELECT ${i} AS facet, ${name} AS value, count(*) AS n FROM matched ` +
      `GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT ${options.top})`,
  );
  const ids = options.scanNewest
    ? {
        sql: `SELECT e.row_id FROM ${eventsInTimeOrder('newest', '-1')} WHERE ${compiled.rowWhere.sql} LIMIT ?`,
        params: compiled.rowWhere.params,
      }
    : {
        sql:
          `SELECT e.row_id FROM events e WHERE ${compiled.where.sql} ` +
          'ORDER BY e.event_time DESC, e.row_id DESC LIMIT ?',
        params: compiled.where.params,
      };
  return {
    sql:
      `WITH matched AS MATERIALIZED (SELECT ${dimensions} FROM events e WHERE e.row_id IN (${ids.sql}))\n` +
      `${perFacet.join('\nUNION ALL ')}\nUNION ALL SELECT -1, NULL, count(*) FROM matched`,
    params: [...ids.params, options.sample],
  };
}

/** Share of the newest events that match, above which scanning newest first beats gathering every match. */
const BROAD_QUERY_SHARE = 0.2;

export function countFacets(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  options: { sample?: number; top?: number } = {},
): FacetCounts {
  const sample = options.sample ?? 5_000;
  const statement = facetStatement(compiled, {
    sample,
    top: options.top ?? 10,
    scanNewest: shareOfRecentMatching(db, compiled) >= BROAD_QUERY_SHARE,
  });
  const rows = allRows<{ facet: number; value: string | null; n: number }>(db, statement, SEARCH_FAILED);
  const facets = Object.fromEntries(
    FACETS.map(([name]) => [name, [] as { value: string | null; count: number }[]]),
  ) as FacetCounts['facets'];
  let counted = 0;
  for (const row of rows) {
    if (row.facet === -1) counted = row.n;
    else facets[FACETS[row.facet]![0]].push({ value: row.value, count: row.n });
  }
  return { counted, complete: counted < sample, facets };
}

function shareOfRecentMatching(db: SqliteDatabase, compiled: CompiledQuery): number {
  const sql =
    'SELECT count(*) AS n, (SELECT count(*) FROM (SELECT 1 FROM event_rows LIMIT ?)) AS total ' +
    `FROM ${eventsInTimeOrder('newest', '?')} WHERE ${compiled.rowWhere.sql}`;
  const { n, total } = firstRow<{ n: number; total: number }>(
    db,
    { sql, params: [RECENT_WINDOW, RECENT_WINDOW, ...compiled.rowWhere.params] },
    SEARCH_FAILED,
  )!;
  return total === 0 ? 0 : n / total;
}
