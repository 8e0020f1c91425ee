import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, messageOf } from '../errors.js';
import { acquireWriterLock, realDatabasePath } from './writer-lock.js';
import { restoreFullTextMerging } from './fts-merging.js';
import type { WriterLock } from './writer-lock.js';
import { createRegexpFunction } from './regexp.js';

export type { SqliteDatabase };

// better-sqlite3 reads this once, when its addon loads on the first open: `file:…?immutable=1` is how
// an index on read-only media is opened (openReadOnly).
process.env['SQLITE_USE_URI'] ??= '1';

/**
 * Bumped whenever schema.sql or what is indexed changes incompatibly; a database of another version
 * is refused, never rewritten. 2: whole-value tokens in events_fts (normalize/value-token.ts), which
 * `user:` and `ip:` searches rely on, so a version 1 index would silently miss matches. 3 (issue 13):
 * records stored as the file's bytes, records without an eventID keyed on a hash of those bytes, and
 * the record_fidelity and event_conflicts tables. 4 (issue 16): every contract column stored, records
 * as plain text (a BLOB only when not valid UTF-8); versions 2 and 3 keep records in deflated blocks
 * that only trailhound's own SQL function could read. 5 (issue 14): tokens for the other forms of an
 * identity (session name, `Role/session`, principal id parts, `root`, the invoking service;
 * normalize/search-text.ts identityForms), which `user:` looks up.
 */
export const SCHEMA_VERSION = 5;

/** A database opened for indexing: the one writer, holding the writer lock until closed. */
export interface IndexDatabase {
  readonly db: SqliteDatabase;
  readonly path: string;
  /** Moves the WAL into the database file; long-running writers (watch) call it now and then. */
  checkpoint(): void;
  close(): void;
}

/** The database file and the files SQLite and the writer lock keep beside it. */
export function databaseFiles(path: string): Set<string> {
  const spellings = [resolve(path), realDatabasePath(path)];
  return new Set(
    spellings.flatMap((absolute) => ['', '-wal', '-shm', '-journal', '.lock'].map((suffix) => absolute + suffix)),
  );
}

/** Opens (creating if needed) the index for writing, applying schema.sql. */
export function openIndex(path: string): IndexDatabase {
  const lock = acquireWriterLock(path);
  try {
    const db = openConnection(path, { readonly: false });
    db.exec(readSchema());
    db.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)").run(SCHEMA_VERSION);
    // A bulk load killed before its end left full-text merging paused (store/ingest.ts).
    restoreFullTextMerging(db);
    return { db, path, checkpoint: () => checkpoint(db), close: () => closeWriter(db, lock) };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Opens an existing index read-only, as `sql`, `search` and the terminal UI use it. */
export function openReadOnly(path: string): SqliteDatabase {
  if (!existsSync(path)) {
    throw new UserError({
      what: `cannot open database ${path}`,
      reason: 'no such file',
      help: 'index some logs first: trailhound index PATH --db FILE',
    });
  }
  const db = openConnection(path, { readonly: true, immutable: readOnlyOpenMode(path) === 'immutable' });
  db.pragma('query_only = 1');
  tuneForReading(db);
  return db;
}

/**
 * How a reader opens the index. A WAL database is read through its `-shm` and `-wal` files, which
 * SQLite creates beside it even for a read-only connection; in a folder that cannot or must not be
 * written (read-only media, a write-protected evidence copy) that fails, or would alter the
 * evidence folder, so the file is opened `immutable`: no side files, no locks (issue 13).
 */
export function readOnlyOpenMode(
  path: string,
  folderWritable: (folder: string) => boolean = isWritableFolder,
): 'shared' | 'immutable' {
  const folder = dirname(resolve(path));
  if (folderWritable(folder)) return 'shared';
  const wal = `${resolve(path)}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    throw new UserError({
      what: `cannot open database ${path}`,
      reason:
        'its folder is read-only and it has changes not yet moved into the database file (in its -wal file), ' +
        'which a read-only open would not see',
      help: 'copy the database with its -wal file to a writable folder and open it there once',
    });
  }
  return 'immutable';
}

/**
 * Writable for us and not write-protected for anyone: root may write anywhere, but a folder whose
 * mode has no write bit was protected on purpose, and an evidence copy must stay untouched.
 */
function isWritableFolder(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return (statSync(folder).mode & 0o222) !== 0;
  } catch {
    return false;
  }
}

function openConnection(path: string, options: { readonly: boolean; immutable?: boolean }): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = options.immutable
      ? new Database(immutableUri(path), { readonly: true })
      : new Database(path, { readonly: options.readonly, fileMustExist: options.readonly });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw cannotOpen(path, error);
  }
  // Before any pragma that writes (journal_mode rewrites the header): a refused file stays byte-identical.
  checkSchemaVersion(db, path);
  try {
    if (!options.readonly) tuneForWriting(db);
  } catch (error) {
    db.close();
    throw cannotOpen(path, error);
  }
  // Sigma rules' `|re` (src/hunt/) and users' own `trailhound sql` queries.
  db.function('regexp', { deterministic: true }, createRegexpFunction());
  return db;
}

/** `file:` URI of a path, with the characters URIs reserve escaped. */
function immutableUri(path: string): string {
  const encoded = resolve(path)
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
  return `file:${encoded}?immutable=1`;
}

/**
 * WAL lets searches and the UI read while an index or watch writes. SQLite copies the WAL into the
 * database file (an automatic checkpoint, after a commit) only once it holds this many pages, 256 MB:
 * after every commit, SQLite's default, cost a fifth of bulk-index time (200k events: 5.4 s → 4.3 s
 * of writer time); never, until the writer closed, let the WAL of a 5M-event load grow to 26 GB for a
 * 5 GB database, since every commit appends the pages it touched again. A crash loses nothing either
 * way: SQLite replays the WAL on the next open.
 */
export const WAL_CHECKPOINT_PAGES = 65_536;

function tuneForWriting(db: SqliteDatabase): void {
  // Only a new, empty file takes it (before WAL is on). Records average 1.3 KB: three fit a 4 KB page
  // and left 17% of every record page empty (266 MB of 1.57 GB on 1M events); 16 KB pages hold twelve.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  // The sorts that build indexes at the end of a bulk load spill to temporary files beyond the cache:
  // held in memory they took a 5M-event load to 746 MB.
  db.pragma('temp_store = FILE');
}

/**
 * Searches look rows up by id all over the file: reading pages through a memory map instead of
 * copying each into SQLite's small default cache made those lookups several times faster.
 */
function tuneForReading(db: SqliteDatabase): void {
  db.pragma('mmap_size = 2147483648');
  db.pragma('cache_size = -32768');
}

function cannotOpen(path: string, error: unknown): UserError {
  const what = `cannot open database ${path}`;
  const message = messageOf(error);
  if (/not a database|file is encrypted/i.test(message)) {
    return new UserError({
      what,
      reason: 'the file is not a trailhound database (not SQLite); it was left untouched',
      help: 'check the --db path: it names an index, or a new file for trailhound index to create',
    });
  }
  if (/malformed/i.test(message)) {
    return new UserError({
      what,
      reason: 'the database file is corrupt; it was left untouched',
      help: 'index the same logs again into a new --db file',
    });
  }
  return new UserError({
    what,
    reason: message,
    help: 'check that you may read the file and its folder (and write them, for index and watch)',
  });
}

function checkSchemaVersion(db: SqliteDatabase, path: string): void {
  let version: number | null;
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get();
    const tableCount = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
      n: number;
    };
    if (!hasMeta && tableCount.n > 0) {
      throw new UserError({
        what: `cannot open database ${path}`,
        reason: 'it is an SQLite file, but not a trailhound database; it was left untouched',
        help: 'check the --db path: it names an index, or a new file for trailhound index to create',
      });
    }
    const row = hasMeta
      ? (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: number } | undefined)
      : undefined;
    version = row ? Number(row.value) : null;
  } catch (error) {
    db.close();
    if (error instanceof UserError) throw error;
    throw cannotOpen(path, error);
  }
  if (version !== null && version > SCHEMA_VERSION) {
    db.close();
    throw new UserError({
      what: `cannot open database ${path}`,
      reason:
        `it was written by a newer trailhound (schema ${version}; this one reads ${SCHEMA_VERSION}); ` +
        'it was left untouched',
      help: 'upgrade trailhound, or index into a new --db file',
    });
  }
  if (version !== null && version < SCHEMA_VERSION) {
    db.close();
    const reindex = 'trailhound index PATH… --db NEW.db';
    throw new UserError({
      what: `cannot open database ${path}`,
      reason:
        `it was written by an older trailhound (schema ${version}; this one reads ${SCHEMA_VERSION}), ` +
        'whose layout this one does not read or convert; it was left untouched',
      help: `rebuild it from the same logs into a new file: ${reindex} (the old file can then be deleted)`,
    });
  }
}

function checkpoint(db: SqliteDatabase): void {
  // PASSIVE: never waits for readers, so a search running in the UI cannot stall the writer.
  db.pragma('wal_checkpoint(PASSIVE)');
}

function closeWriter(db: SqliteDatabase, lock: WriterLock): void {
  try {
    // Housekeeping only: on a full disk it fails, and the WAL it would have moved stays valid.
    db.pragma('optimize');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // The next open replays the WAL; nothing committed is lost.
  } finally {
    db.close();
    lock.release();
  }
}

/** SQLite's "database or disk is full", said as what the user can do about it. */
export function describeWriteFailure(error: unknown, path: string): UserError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'SQLITE_FULL') return null;
  return new UserError({
    what: `the disk holding ${path} is full`,
    reason: 'indexing stopped; everything committed before it is kept and consistent',
    help: 'free some space (or use --db on another disk) and run the same command again: it resumes where it stopped',
  });
}

/** The plain (non-unique) indexes on event_rows, as schema.sql creates them: a bulk load may defer these. */
export function eventRowIndexes(): { name: string; sql: string }[] {
  return [...readSchema().matchAll(/^CREATE INDEX IF NOT EXISTS (\w+) ON event_rows\b[^;]*;/gm)].map((match) => ({
    name: match[1]!,
    sql: match[0],
  }));
}

/** schema.sql sits at the package root, above src/ when run by vitest and above dist/src/ when built. */
function readSchema(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'schema.sql'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('schema.sql not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return readFileSync(join(dir, 'schema.sql'), 'utf8');
}
