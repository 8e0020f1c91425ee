import type { Database as SqliteDatabase } from 'better-sqlite3';

/**
 * FTS5 merges its segments as it goes (automerge 4: whenever four of a level exist), rewriting the
 * posting lists of a bulk load several times over. During a bulk load merging waits
 * (automerge 0) until 64 segments pile up on a level (crisismerge, which bounds what a reader scans),
 * and the load ends with one merge. Measured in isolation on 100k events' full-text rows
 * (bench/store-variants.ts): 172 → 108 us an event, the final merge included; noisy, see ARCHITECTURE.md.
 * The settings live in the database, so openIndex restores them after a crash mid-load.
 */
export function deferFullTextMerging(db: SqliteDatabase): void {
  db.exec("INSERT INTO events_fts(events_fts, rank) VALUES ('automerge', 0)");
  db.exec("INSERT INTO events_fts(events_fts, rank) VALUES ('crisismerge', 64)");
}

/** FTS5's own defaults, what incremental writers (watch) and readers expect. */
export function restoreFullTextMerging(db: SqliteDatabase): void {
  db.exec("INSERT INTO events_fts(events_fts, rank) VALUES ('automerge', 4)");
  db.exec("INSERT INTO events_fts(events_fts, rank) VALUES ('crisismerge', 16)");
}

/** Merges the segments a bulk load left, in steps that each commit, until FTS5 has nothing left to merge. */
export function mergeFullText(db: SqliteDatabase): void {
  const merge = db.prepare("INSERT INTO events_fts(events_fts, rank) VALUES ('merge', -500)");
  // FTS5's documented test: a step that changed fewer than two rows found nothing to merge.
  for (let step = 0; step < 10_000 && merge.run().changes >= 2; step++);
}
