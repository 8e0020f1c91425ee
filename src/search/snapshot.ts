import type { SqliteDatabase } from '../store/db.js';
import type { CompiledQuery } from './compile.js';
import { SEARCH_FAILED } from './engine.js';
import type { SqlPart } from './fields.js';
import { firstRow, firstValue } from './read-statement.js';

/**
 * A search's results as they were when first read, while a writer keeps adding events: the matches
 * up to a row id (new events get larger ids), where one event sits among them, and how many
 * matches came after. The terminal UI pages, counts and lands on events with these.
 */

/**
 * The query limited to events stored up to `maxRowId`: later pages and counts of a result set
 * then describe the same events as its first page, however many a writer added since. The
 * full-text-only shortcut is dropped, since it cannot see the bound.
 */
export function boundedToRowId(compiled: CompiledQuery, maxRowId: number): CompiledQuery {
  const bound = (part: SqlPart): SqlPart => ({
    sql: `(${part.sql}) AND e.row_id <= ?`,
    params: [...part.params, maxRowId],
  });
  return {
    query: compiled.query,
    where: bound(compiled.where),
    rowWhere: bound(compiled.rowWhere),
    textOnly: null,
    hints: compiled.hints,
  };
}

/**
 * Where event `rowId` sits in the results, newest first (0 = first row), or null when it does not
 * match. The order is the list's: time descending, then row id descending, events without a time last.
 */
export function positionOf(db: SqliteDatabase, compiled: CompiledQuery, rowId: number): number | null {
  const sql = `SELECT e.event_time AS time FROM events e WHERE e.row_id = ? AND (${compiled.rowWhere.sql})`;
  const found = firstRow<{ time: string | null }>(
    db,
    { sql, params: [rowId, ...compiled.rowWhere.params] },
    SEARCH_FAILED,
  );
  if (found === undefined) return null;
  const newer =
    found.time === null
      ? { sql: '(e.event_time IS NOT NULL OR e.row_id > ?)', params: [rowId] }
      : { sql: '(e.event_time > ? OR (e.event_time = ? AND e.row_id > ?))', params: [found.time, found.time, rowId] };
  const count = {
    sql: `SELECT count(*) FROM events e WHERE (${compiled.where.sql}) AND ${newer.sql}`,
    params: [...compiled.where.params, ...newer.params],
  };
  return firstValue<number>(db, count, SEARCH_FAILED)!;
}

/**
 * Matches among events stored after `afterRowId` up to `upToRowId`, counted up to `cap` (`capped`
 * when there are more). Tested row by row over that range only: what a writer added between two
 * polls of the UI, so each poll reads only the newest rows.
 */
export function countAddedBetween(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  afterRowId: number,
  upToRowId: number,
  cap: number,
): { count: number; capped: boolean } {
  const sql =
    'SELECT count(*) FROM (SELECT 1 FROM events e ' +
    `WHERE e.row_id > ? AND e.row_id <= ? AND (${compiled.rowWhere.sql}) LIMIT ?)`;
  const count = firstValue<number>(
    db,
    { sql, params: [afterRowId, upToRowId, ...compiled.rowWhere.params, cap + 1] },
    SEARCH_FAILED,
  )!;
  return { count: Math.min(count, cap), capped: count > cap };
}
