/**
 * What `watchAndIndex` tells its `onIndexed` hook (alerts.ts) once after every committed batch, the
 * catch-up scan included, from the indexing loop, so no new batch starts until it returns. The
 * batch's events are exactly the row ids in (previousMaxRowId, maxRowId]: events are never deleted
 * and the watch is the database's only writer (the writer lock), so SQLite hands out row ids in
 * increasing order.
 */
export interface IndexedBatch {
  /** The largest events.row_id before the batch; 0 for an empty index. */
  readonly previousMaxRowId: number;
  /** The largest events.row_id after the batch's commit; equal to previousMaxRowId when nothing was new. */
  readonly maxRowId: number;
  readonly eventsNew: number;
  /** The scan at start-up: its events may be old history rather than activity that just landed. */
  readonly catchUp: boolean;
}

/** Called after each committed batch; it must not throw (a failing alert must not stop indexing). */
export type OnIndexed = (batch: IndexedBatch) => void;
