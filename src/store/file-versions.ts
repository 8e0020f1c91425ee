import type { Database as SqliteDatabase } from 'better-sqlite3';

/** What the files table held for a path before it was read again. */
interface EarlierVersion {
  readonly sha256: string;
  readonly lastRowId: number;
  readonly lastConflictId: number;
  /** Rows and conflicts of this file found again, byte for byte, in the new read. */
  readonly seenRows: Set<number>;
  readonly seenConflicts: Set<number>;
}

/**
 * A file read again with other content must not leave provenance pointing at bytes it no longer
 * holds (issue 13). Events are never deleted (they are evidence), so the records of the earlier
 * version that the new one does not hold move to a `files` row of their own: status `superseded`,
 * the earlier SHA-256, and a path that says so. Records found again keep the file, with their new
 * position; a file that only grew (NDJSON appended to) therefore leaves no such row.
 */
export class FileVersions {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly rereading = new Map<number, EarlierVersion>();

  constructor(db: SqliteDatabase) {
    this.statements = prepareStatements(db);
  }

  /** Called as a file's read begins, before its row is updated. A crashed read ('indexing') had no complete version. */
  begin(path: string): void {
    const known = this.statements.file.get(path) as { id: number; sha256: string | null; status: string } | undefined;
    if (known === undefined || known.sha256 === null || known.status === 'indexing') return;
    const last = this.statements.lastIds.get() as { rowId: number; conflictId: number };
    this.rereading.set(known.id, {
      sha256: known.sha256,
      lastRowId: last.rowId,
      lastConflictId: last.conflictId,
      seenRows: new Set(),
      seenConflicts: new Set(),
    });
  }

  /** A record this read found that an earlier read of the same file had stored: it stays, at its new position. */
  foundAgain(fileId: number, rowId: number, recordIndex: number): void {
    const earlier = this.rereading.get(fileId);
    if (earlier === undefined || rowId > earlier.lastRowId) return;
    earlier.seenRows.add(rowId);
    this.statements.moveRecord.run(recordIndex, rowId, fileId);
  }

  conflictFoundAgain(fileId: number, conflictId: number): void {
    this.rereading.get(fileId)?.seenConflicts.add(conflictId);
  }

  /** Called as the read ends, with the SHA-256 of what it read. */
  finish(fileId: number, sha256: string | null): void {
    const earlier = this.rereading.get(fileId);
    this.rereading.delete(fileId);
    if (earlier === undefined || sha256 === earlier.sha256) return;
    const rows = (this.statements.earlierRows.all(fileId, earlier.lastRowId) as { id: number }[]).filter(
      (row) => !earlier.seenRows.has(row.id),
    );
    const conflicts = (this.statements.earlierConflicts.all(fileId, earlier.lastConflictId) as { id: number }[]).filter(
      (row) => !earlier.seenConflicts.has(row.id),
    );
    if (rows.length === 0 && conflicts.length === 0) return;
    const versionId = (this.statements.versionRow.get(fileId) as { id: number }).id;
    for (const row of rows) this.statements.moveRow.run(versionId, row.id);
    for (const conflict of conflicts) this.statements.moveConflict.run(versionId, conflict.id);
    this.statements.countVersion.run({ id: versionId });
  }

  forget(): void {
    this.rereading.clear();
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    file: db.prepare('SELECT id, sha256, status FROM files WHERE path = ?'),
    lastIds: db.prepare(
      'SELECT (SELECT coalesce(max(id), 0) FROM event_rows) AS rowId, ' +
        '(SELECT coalesce(max(id), 0) FROM event_conflicts) AS conflictId',
    ),
    moveRecord: db.prepare('UPDATE event_rows SET record_index = ? WHERE id = ? AND file_id = ?'),
    earlierRows: db.prepare('SELECT id FROM event_rows WHERE file_id = ? AND id <= ?'),
    earlierConflicts: db.prepare('SELECT id FROM event_conflicts WHERE file_id = ? AND id <= ?'),
    // Called before the file's row is finished: it still says what the earlier version was, and when read.
    versionRow: db.prepare(
      `INSERT INTO files(path, sha256, content_sha256, kind, format, status, indexed_at)
       SELECT path || ' (earlier version, sha256 ' || sha256 || ')', ` +
        `sha256, content_sha256, kind, format, 'superseded', indexed_at
       FROM files WHERE id = ?
       ON CONFLICT(path) DO UPDATE SET status = 'superseded'
       RETURNING id`,
    ),
    moveRow: db.prepare('UPDATE event_rows SET file_id = ? WHERE id = ?'),
    moveConflict: db.prepare('UPDATE event_conflicts SET file_id = ? WHERE id = ?'),
    countVersion: db.prepare(
      'UPDATE files SET events_read = (SELECT count(*) FROM event_rows WHERE file_id = @id) WHERE id = @id',
    ),
  };
}
