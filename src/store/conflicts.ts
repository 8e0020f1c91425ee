import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Problem } from '../errors.js';
import { withoutLayout } from '../decode/json-bytes.js';

interface KeptRecord {
  readonly id: number;
  readonly fileId: number;
  readonly recordIndex: number;
  readonly path: string | null;
  /** The stored record's exact bytes (CAST AS BLOB: text and BLOB records alike). */
  readonly bytes: Buffer | null;
}

/** What an ignored insert met: the stored record of its eventID, and whether it is a conflict. */
export interface IgnoredRecord {
  readonly keptId: number;
  readonly keptFileId: number;
  /** The same bytes, not only the same record. */
  readonly identical: boolean;
  /** 'new' when this read recorded it; the id of the conflict an earlier read recorded; null for a duplicate. */
  readonly conflict: 'new' | { readonly knownId: number } | null;
}

/**
 * CloudTrail never reuses an eventID, so a second record with a known eventID and other content is
 * not a duplicate: it is redaction, a hand-edited log or tampering (issue 13). The first record stays
 * in `events` (the first copy wins, as for duplicates); the other is kept too, in `event_conflicts`
 * with its file and position, shown by the `conflicts` view, and reported as a problem of its file.
 * Only inserts that were ignored are checked, so the cost falls on re-reads and real duplicates.
 */
export class ConflictRecorder {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(
    db: SqliteDatabase,
    private readonly addProblem: (fileId: number, problem: Problem) => void,
  ) {
    this.statements = prepareStatements(db);
  }

  /**
   * Compares a record whose insert was ignored (as the store keeps it: text, or exact bytes) with the
   * stored record of `eventId`; a conflict is recorded (once) and reported as a problem of its file.
   */
  check(eventId: string, fileId: number, record: string | Uint8Array, recordIndex: number): IgnoredRecord | null {
    const kept = this.statements.kept.get(eventId) as KeptRecord | undefined;
    if (kept === undefined || kept.bytes === null) return null;
    const otherBytes =
      typeof record === 'string'
        ? Buffer.from(record, 'utf8')
        : Buffer.from(record.buffer, record.byteOffset, record.byteLength);
    const keptBytes = kept.bytes;
    const found = { keptId: kept.id, keptFileId: kept.fileId, identical: keptBytes.equals(otherBytes) };
    if (found.identical || sameRecord(keptBytes, otherBytes)) return { ...found, conflict: null };
    const known = this.statements.known.get(kept.id, fileId, recordIndex) as { id: number } | undefined;
    if (known === undefined) this.statements.insert.run(kept.id, fileId, recordIndex, record, new Date().toISOString());
    const path = (this.statements.path.get(fileId) as { path: string } | undefined)?.path ?? '';
    const keptFile = kept.path ?? 'an unknown file';
    this.addProblem(fileId, {
      path,
      position: `record ${recordIndex}`,
      stage: 'store',
      reason:
        `eventID ${eventId} is already indexed with other content (record ${kept.recordIndex} of ${keptFile}): ` +
        'both records are kept; see the conflicts view (trailhound sql "SELECT * FROM conflicts")',
    });
    return { ...found, conflict: known === undefined ? 'new' : { knownId: known.id } };
  }
}

/**
 * The same record, laid out differently (a pretty-printed or re-indented copy), is a duplicate, not
 * a conflict: the bytes are compared with the whitespace between JSON tokens removed.
 */
export function sameRecord(a: Buffer, b: Buffer): boolean {
  return a.equals(b) || withoutLayout(a).equals(withoutLayout(b));
}

function prepareStatements(db: SqliteDatabase) {
  return {
    kept: db.prepare(
      `SELECT r.id, r.file_id AS fileId, r.record_index AS recordIndex, ` +
        `(SELECT path FROM files f WHERE f.id = r.file_id) AS path,
         (SELECT CAST(x.record AS BLOB) FROM event_records x WHERE x.id = r.id) AS bytes
       FROM event_rows r WHERE r.event_id = ?`,
    ),
    known: db.prepare('SELECT id FROM event_conflicts WHERE row_id = ? AND file_id = ? AND record_index = ?'),
    insert: db.prepare(
      'INSERT INTO event_conflicts(row_id, file_id, record_index, record, found_at) VALUES (?, ?, ?, ?, ?)',
    ),
    path: db.prepare('SELECT path FROM files WHERE id = ?'),
  };
}
