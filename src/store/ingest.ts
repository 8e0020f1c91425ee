import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Problem } from '../errors.js';
import type { TrailEvent } from '../normalize/event.js';
import type { DigestInfo } from '../normalize/digest.js';
import type { LayoutKind } from '../decode/records.js';
import { eventRowIndexes } from './db.js';
import { deferFullTextMerging, mergeFullText, restoreFullTextMerging } from './fts-merging.js';
import { ConflictRecorder } from './conflicts.js';
import { FileVersions } from './file-versions.js';

/**
 * Events of one file, in file order, as plain row values (cheap to pass between threads), with
 * their original records.
 */
export interface EventBatch {
  /** Values for EVENT_COLUMNS up to, not including, file_id (see toEventRow). */
  readonly rows: readonly (readonly unknown[])[];
  /** The text of each event for the columns of events_fts. */
  readonly searchTexts: readonly (readonly string[])[];
  readonly recordIndexes: readonly number[];
  /** Each event's record: its text, or its exact bytes when they are not valid UTF-8 (stored as a BLOB). */
  readonly records: readonly (string | Uint8Array)[];
  /**
   * [index in `rows`, kind, value] of what each event proves for `trailhound trace` (normalize/trace-links.ts), in row
   * order.
   */
  readonly traceLinks?: readonly (readonly [number, string, string])[];
  /** Records (by position in the batch) stored as other bytes than the file's own, and why. */
  readonly notVerbatim: readonly { readonly index: number; readonly reason: string }[];
}

export type FileStatus = 'done' | 'partial' | 'failed';
export type FileKind = 'log' | 'digest' | 'archive' | 'other';

/** How reading one file (or zip entry) ended. */
export interface FileOutcome {
  readonly sha256: string | null;
  readonly contentSha256: string | null;
  readonly kind: FileKind;
  readonly format: LayoutKind | 'zip';
  readonly eventsRead: number;
  readonly status: FileStatus;
}

/** Where decoded output goes: the store's writer, or a message port when decoding in a worker. */
export interface FileSink {
  batch(batch: EventBatch): void;
  problem(problem: Problem): void;
  digest(digest: DigestInfo): void;
  finish(outcome: FileOutcome): void;
  /**
   * Backpressure: a promise to await before decoding more when the consumer is behind (a worker
   * whose batches the writer has not stored yet); undefined when it can take more now.
   */
  ready?(): Promise<void> | undefined;
}

/** What the files table knows of a path, to decide whether it must be read again. */
export interface KnownFile {
  readonly id: number;
  readonly sizeBytes: number | null;
  readonly mtimeMs: number | null;
  readonly status: string;
}

/** Rows per transaction: large enough to amortise the commit, small enough to stay responsive. */
export const ROWS_PER_TRANSACTION = 20_000;
/**
 * Bytes of records and full-text per transaction: 20,000 rows of 100 KB records held their full-text
 * rows in memory until the commit (issue 13, 706 MB peak with one decoding thread); typical
 * CloudTrail records reach the row limit first (20,000 x ~1.3 KB).
 */
const BYTES_PER_TRANSACTION = 32 * 1024 * 1024;

/** Problems whose help a writer keeps for printing: far more than one batch of a watch holds. */
const REMEMBERED_HELP = 10_000;

/** A problem as the problems table holds it, so one read back finds its help. */
function problemKey(problem: Problem): string {
  return JSON.stringify([problem.path, problem.position, problem.stage, problem.reason]);
}

const EVENT_COLUMNS = [
  'event_id',
  'content_sha256',
  'event_time',
  'event_version',
  'event_source',
  'event_name',
  'event_name_base',
  'aws_region',
  'source_ip_address',
  'source_ip',
  'source_ipv4_int',
  'user_agent',
  'error_code',
  'error_message',
  'read_only',
  'event_type',
  'event_category',
  'management_event',
  'recipient_account_id',
  'request_id',
  'shared_event_id',
  'user_identity_type',
  'user_identity_arn',
  'user_identity_principal_id',
  'user_identity_account_id',
  'user_identity_access_key_id',
  'user_identity_user_name',
  'user_identity_invoked_by',
  'session_issuer_arn',
  'session_issuer_type',
  'session_issuer_user_name',
  'session_mfa_authenticated',
  'file_id',
  'record_index',
] as const;

/**
 * The only writer to the index. Work is grouped in transactions that end only between files or
 * batches, and a file is marked done in the same transaction as its last events, so a crash at any
 * moment leaves a database where every 'done' file is complete and re-running resumes the rest.
 */
export class IndexWriter {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private rowsInTransaction = 0;
  private bytesInTransaction = 0;
  /**
   * Full-text rows wait here and are written just before COMMIT: FTS5 flushes its pending terms at
   * every statement savepoint, so interleaving them with other writes made one tiny index segment per
   * statement and cost 1 ms per file in merges (measured on a 176k-event corpus).
   */
  private pendingSearchRows: unknown[][] = [];
  private eventsAdded = 0;
  private deferIndexesAfter = Number.POSITIVE_INFINITY;
  private indexesDeferred = false;
  private committedCallbacks: (() => void)[] = [];

  private readonly conflicts: ConflictRecorder;
  private readonly versions: FileVersions;
  private readonly helpByProblem = new Map<string, string>();

  constructor(private readonly db: SqliteDatabase) {
    this.statements = prepareStatements(db);
    this.conflicts = new ConflictRecorder(db, (fileId, problem) => this.addProblem(fileId, problem));
    this.versions = new FileVersions(db);
  }

  /**
   * Lets a large load build the plain event_rows indexes once at the end, by sorting, instead of
   * row by row: once this run has added more than `minimum` events and more than the index held,
   * they are dropped. A crash before `restoreIndexes` leaves a consistent database without them,
   * and the next open (openIndex applies schema.sql) builds them again.
   */
  allowDeferredIndexes(minimum: number): void {
    const existing = (this.db.prepare('SELECT coalesce(max(id), 0) AS n FROM event_rows').get() as { n: number }).n;
    // Per run: a long-lived writer (watch) must not count earlier runs' events towards this one.
    this.eventsAdded = 0;
    this.deferIndexesAfter = Math.max(minimum, existing);
  }

  restoreIndexes(): void {
    if (!this.indexesDeferred) return;
    this.commit();
    for (const index of eventRowIndexes()) this.db.exec(index.sql);
    this.db.exec('BEGIN');
    restoreFullTextMerging(this.db);
    this.db.exec('COMMIT');
    mergeFullText(this.db);
    this.indexesDeferred = false;
  }

  private deferIndexesIfLarge(): void {
    if (this.indexesDeferred || this.eventsAdded <= this.deferIndexesAfter) return;
    this.commit();
    this.db.exec('BEGIN');
    for (const index of eventRowIndexes()) this.db.exec(`DROP INDEX IF EXISTS ${index.name}`);
    deferFullTextMerging(this.db);
    this.db.exec('COMMIT');
    this.indexesDeferred = true;
  }

  knownFile(path: string): KnownFile | undefined {
    return this.statements.findFile.get(path) as KnownFile | undefined;
  }

  /** Registers a file as being read; its previous state stays until `finishFile` commits the new one. */
  beginFile(path: string, sizeBytes: number | null, mtimeMs: number | null): number {
    this.ensureTransaction();
    this.versions.begin(path);
    const row = this.statements.upsertFile.get(path, sizeBytes, mtimeMs) as { id: number };
    return row.id;
  }

  /** Inserts a batch; returns how many events were new (the rest were already indexed). */
  addBatch(fileId: number, batch: EventBatch): number {
    this.ensureTransaction();
    const notVerbatim = new Map(batch.notVerbatim.map((entry) => [entry.index, entry.reason]));
    let added = 0;
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      const result = this.statements.insertEvent.run(...row, fileId, batch.recordIndexes[i]);
      if (result.changes === 1) {
        added++;
        this.statements.insertRecord.run(result.lastInsertRowid, batch.records[i]);
        this.pendingSearchRows.push([result.lastInsertRowid, ...batch.searchTexts[i]!]);
        addTraceLinks(this.statements.insertTraceLink, batch, i, result.lastInsertRowid);
        const reason = notVerbatim.get(i);
        if (reason !== undefined) this.statements.insertFidelity.run(result.lastInsertRowid, reason);
      } else {
        this.onIgnored(row, fileId, batch, i);
      }
    }
    this.rowsInTransaction += batch.rows.length;
    this.bytesInTransaction += batchBytes(batch);
    this.eventsAdded += added;
    // Mid-file too: a huge file must not hold all its rows in one transaction (and its full-text rows
    // in memory). The file stays 'indexing' until finishFile, so a crash re-reads it whole.
    this.commitIfFull();
    return added;
  }

  /**
   * An event already stored: a duplicate, found again by a re-read of its own file (it keeps the file,
   * at its new position), or a conflict.
   */
  private onIgnored(row: readonly unknown[], fileId: number, batch: EventBatch, i: number): void {
    const recordIndex = batch.recordIndexes[i]!;
    if (typeof row[0] !== 'string') {
      const kept =
        typeof row[1] === 'string'
          ? (this.statements.findByContent.get(row[1]) as { id: number; fileId: number } | undefined)
          : undefined;
      if (kept?.fileId === fileId) this.versions.foundAgain(fileId, kept.id, recordIndex);
      return;
    }
    const found = this.conflicts.check(row[0], fileId, batch.records[i]!, recordIndex);
    if (found === null) return;
    if (found.identical && found.keptFileId === fileId) this.versions.foundAgain(fileId, found.keptId, recordIndex);
    if (found.conflict !== null && found.conflict !== 'new')
      this.versions.conflictFoundAgain(fileId, found.conflict.knownId);
  }

  addProblem(fileId: number | null, problem: Problem): void {
    if (problem.help !== undefined) this.rememberHelp(problem);
    this.ensureTransaction();
    this.statements.insertProblem.run(
      fileId,
      problem.path,
      problem.position,
      problem.stage,
      problem.reason,
      new Date().toISOString(),
    );
    this.rowsInTransaction++;
  }

  /**
   * The help of a problem this writer stored, for a reader of the problems table in the same process
   * (the watch prints problems as it reads them back after a commit). Help is not stored: the table
   * holds facts about the input, and advice is wording a later version may improve (errors.ts).
   */
  helpFor(problem: Problem): string | undefined {
    return this.helpByProblem.get(problemKey(problem));
  }

  private rememberHelp(problem: Problem): void {
    // A long watch stores problems for days; only the recent ones are still to be printed.
    if (this.helpByProblem.size >= REMEMBERED_HELP) this.helpByProblem.clear();
    this.helpByProblem.set(problemKey(problem), problem.help!);
  }

  addDigest(fileId: number, digest: DigestInfo): void {
    this.ensureTransaction();
    this.statements.upsertDigest.run(
      fileId,
      digest.accountId,
      digest.region,
      digest.digestStartTime,
      digest.digestEndTime,
      digest.digestS3Bucket,
      digest.digestS3Object,
      digest.previousDigestS3Object,
      digest.previousDigestHash,
      digest.previousDigestSignature,
      digest.publicKeyFingerprint,
      digest.logFileCount,
      digest.contentSha256,
      digest.body,
    );
  }

  /** Clears a file's old problems: they described an earlier version of it. */
  forgetProblems(fileId: number): void {
    this.ensureTransaction();
    this.statements.deleteProblems.run(fileId);
  }

  finishFile(fileId: number, outcome: FileOutcome, eventsNew: number): void {
    this.ensureTransaction();
    this.versions.finish(fileId, outcome.sha256);
    this.statements.finishFile.run(
      outcome.sha256,
      outcome.contentSha256,
      outcome.kind,
      outcome.format,
      outcome.eventsRead,
      eventsNew,
      outcome.status,
      new Date().toISOString(),
      fileId,
    );
    this.commitIfFull();
    this.deferIndexesIfLarge();
  }

  markMissing(path: string): void {
    this.ensureTransaction();
    this.statements.markMissing.run(path);
  }

  /** Ends the open transaction, if any; called between files when a batch is full, and at the end. */
  commit(): void {
    for (const row of this.pendingSearchRows) this.statements.insertFts.run(row);
    this.pendingSearchRows = [];
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.rowsInTransaction = 0;
    this.bytesInTransaction = 0;
    const callbacks = this.committedCallbacks;
    this.committedCallbacks = [];
    for (const callback of callbacks) callback();
  }

  /**
   * Runs `callback` once everything written so far is committed, so that whoever it tells can
   * already find it from another connection: at once when nothing is waiting.
   */
  whenCommitted(callback: () => void): void {
    if (this.db.inTransaction) this.committedCallbacks.push(callback);
    else callback();
  }

  private commitIfFull(): void {
    if (this.rowsInTransaction >= ROWS_PER_TRANSACTION || this.bytesInTransaction >= BYTES_PER_TRANSACTION)
      this.commit();
  }

  rollback(): void {
    this.versions.forget();
    this.pendingSearchRows = [];
    this.committedCallbacks = [];
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.rowsInTransaction = 0;
    this.bytesInTransaction = 0;
  }

  private ensureTransaction(): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
  }
}

/** A new event's trace links; a duplicate adds none, its first copy already has them. */
function addTraceLinks(
  insert: { run(...values: unknown[]): unknown },
  batch: EventBatch,
  index: number,
  rowId: number | bigint,
): void {
  for (const [at, kind, value] of batch.traceLinks ?? []) if (at === index) insert.run(kind, value, rowId);
}

/** Records and full-text of a batch, in characters or bytes: near enough to bound a transaction. */
function batchBytes(batch: EventBatch): number {
  let size = 0;
  for (const record of batch.records) size += record.length;
  for (const texts of batch.searchTexts) for (const text of texts) size += text.length;
  return size;
}

/** The values of one event for the columns of event_rows that come from the record itself. */
export function toEventRow(event: TrailEvent, contentHash: string | null): unknown[] {
  const who = event.principal;
  return [
    event.eventId,
    contentHash,
    event.eventTime,
    event.eventVersion,
    event.eventSource,
    event.eventName,
    event.eventNameBase,
    event.awsRegion,
    event.sourceIpAddress,
    event.sourceIp,
    event.sourceIpv4Int,
    event.userAgent,
    event.errorCode,
    event.errorMessage,
    event.readOnly,
    event.eventType,
    event.eventCategory,
    event.managementEvent,
    event.recipientAccountId,
    event.requestId,
    event.sharedEventId,
    who.type,
    who.arn,
    who.principalId,
    who.accountId,
    who.accessKeyId,
    who.userName,
    who.invokedBy,
    who.sessionIssuerArn,
    who.sessionIssuerType,
    who.sessionIssuerUserName,
    who.mfaAuthenticated,
  ];
}

export function toSearchRow(event: TrailEvent): string[] {
  const text = event.searchText;
  return [text.action, text.identity, text.network, text.request, text.response, text.error, text.resources];
}

function prepareStatements(db: SqliteDatabase) {
  const placeholders = EVENT_COLUMNS.map(() => '?').join(', ');
  return {
    findFile: db.prepare('SELECT id, size_bytes AS sizeBytes, mtime_ms AS mtimeMs, status FROM files WHERE path = ?'),
    upsertFile: db.prepare(
      `INSERT INTO files(path, size_bytes, mtime_ms, status) VALUES (?, ?, ?, 'indexing')
       ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, ` +
        `status = 'indexing'
       RETURNING id`,
    ),
    finishFile: db.prepare(
      `UPDATE files SET sha256 = ?, content_sha256 = ?, kind = ?, format = ?, ` +
        `events_read = ?, events_new = ?, status = ?, indexed_at = ?
       WHERE id = ?`,
    ),
    markMissing: db.prepare("UPDATE files SET status = 'missing' WHERE path = ?"),
    insertRecord: db.prepare('INSERT INTO event_records(id, record) VALUES (?, ?)'),
    insertEvent: db.prepare(`INSERT OR IGNORE INTO event_rows(${EVENT_COLUMNS.join(', ')}) VALUES (${placeholders})`),
    insertFts: db.prepare(
      'INSERT INTO events_fts(rowid, action, identity, network, request, response, error, resources) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertTraceLink: db.prepare('INSERT OR IGNORE INTO trace_links(kind, value, row_id) VALUES (?, ?, ?)'),
    findByContent: db.prepare('SELECT id, file_id AS fileId FROM event_rows WHERE content_sha256 = ?'),
    insertFidelity: db.prepare('INSERT OR REPLACE INTO record_fidelity(row_id, reason) VALUES (?, ?)'),
    insertProblem: db.prepare(
      'INSERT INTO problems(file_id, path, position, stage, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    deleteProblems: db.prepare('DELETE FROM problems WHERE file_id = ?'),
    upsertDigest: db.prepare(
      `INSERT OR REPLACE INTO digests(file_id, account_id, region, digest_start_time, digest_end_time, digest_s3_bucket,
         digest_s3_object, previous_digest_s3_object, previous_digest_hash, previous_digest_signature,
         public_key_fingerprint, log_file_count, content_sha256, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}
