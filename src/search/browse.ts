import type { SqliteDatabase } from '../store/db.js';
import type { CompiledQuery } from './compile.js';
import { SEARCH_FAILED } from './engine.js';
import { allRows, firstRow } from './read-statement.js';

/**
 * The small reads an interactive screen needs beside the search itself (issue 6): where an event
 * came from, how a result set spreads over time, and how fresh the index is. The search stays in
 * engine.ts; these only reuse its compiled WHERE clause, with bound values.
 */

/** The file an event was read from and the last `trailhound verify` verdict on it (null: never verified). */
export interface EventSource {
  readonly path: string;
  readonly sha256: string | null;
  readonly verdict: string | null;
  readonly recordIndex: number;
}

export function readEventSource(db: SqliteDatabase, rowId: number): EventSource | null {
  const sql =
    'SELECT f.path, f.sha256, v.verdict, r.record_index AS recordIndex\n' +
    'FROM event_rows r JOIN files f ON f.id = r.file_id\n' +
    "LEFT JOIN verification v ON v.path = f.path AND v.kind = 'log'\nWHERE r.id = ?";
  return firstRow<EventSource>(db, { sql, params: [rowId] }, "reading the event's source file failed") ?? null;
}

/** Matches per UTC hour (`YYYY-MM-DDTHH`), oldest first, over the newest `cap` matches. */
export interface HourlyCounts {
  readonly hours: readonly { readonly hour: string; readonly count: number }[];
  /** Whether more than `cap` events matched, so the oldest are left out. */
  readonly capped: boolean;
}

/**
 * The newest matches are read through the time index, so a broad query stops after `cap` rows
 * instead of grouping every event; a narrow one finds its few matches through `where` first.
 */
export function countByHour(db: SqliteDatabase, compiled: CompiledQuery, cap: number): HourlyCounts {
  const sql =
    'SELECT substr(t, 1, 13) AS hour, count(*) AS count FROM (\n' +
    `  SELECT e.event_time AS t FROM events e WHERE e.event_time IS NOT NULL AND (${compiled.where.sql})\n` +
    '  ORDER BY e.event_time DESC LIMIT ?)\nGROUP BY 1 ORDER BY 1';
  const hours = allRows<{ hour: string; count: number }>(
    db,
    { sql, params: [...compiled.where.params, cap + 1] },
    SEARCH_FAILED,
  );
  const total = hours.reduce((sum, bucket) => sum + bucket.count, 0);
  if (total <= cap) return { hours, capped: false };
  // The one row past the cap is the oldest read: drop it so exactly `cap` are counted.
  const first = hours[0]!;
  const trimmed =
    first.count === 1 ? hours.slice(1) : [{ hour: first.hour, count: first.count - 1 }, ...hours.slice(1)];
  return { hours: trimmed, capped: true };
}

/** How big and how fresh the index is: the newest row id (≈ the event count) and the last file indexed. */
export interface IndexStatus {
  readonly maxRowId: number;
  readonly lastIndexedAt: string | null;
}

export function readIndexStatus(db: SqliteDatabase): IndexStatus {
  const sql =
    'SELECT (SELECT max(id) FROM event_rows) AS maxRowId, (SELECT max(indexed_at) FROM files) AS lastIndexedAt';
  const row = firstRow<{ maxRowId: number | null; lastIndexedAt: string | null }>(
    db,
    { sql, params: [] },
    'reading the index status failed',
  )!;
  return { maxRowId: row.maxRowId ?? 0, lastIndexedAt: row.lastIndexedAt };
}
