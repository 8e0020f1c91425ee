import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { VerdictRow } from '../verify/verdicts.js';

/** Keeps the latest verdict per file and kind (table `verification`), replacing an earlier run's. */
export function saveVerdicts(db: SqliteDatabase, rows: readonly VerdictRow[], verifiedAt: string): void {
  // All kinds of a path go first: a gap an earlier run saw before this digest must not linger.
  const clear = db.prepare('DELETE FROM verification WHERE path = ?');
  const insert = db.prepare(
    'INSERT OR REPLACE INTO verification(path, kind, verdict, detail, verified_at) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const path of new Set(rows.map((row) => row.path))) clear.run(path);
    for (const row of rows) insert.run(row.path, row.kind, row.verdict, row.detail, verifiedAt);
  })();
}
