import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { CompiledQuery } from '../search/compile.js';
import type { SqlPart } from '../search/fields.js';
import { createHashedFile } from './hashed-file.js';
import type { HashedFile } from './hashed-file.js';
import { iterateRows } from '../search/read-statement.js';
import type { SqliteDatabase } from '../store/db.js';
import { cannotWrite, prepareExportDir, removePartialExport } from './export-folder.js';

/** The files an export writes into its folder; the manifest comes last, so its presence means complete. */
export const EXPORT_FILES = {
  events: 'events.ndjson',
  provenance: 'provenance.ndjson',
  manifest: 'manifest.json',
} as const;

/** Where one exported record came from, and what `trailhound verify` last said of that file. */
export interface ProvenanceLine {
  /** 1-based line of the record in events.ndjson. */
  readonly line: number;
  readonly event_id: string | null;
  readonly event_time: string | null;
  readonly source_file: string | null;
  readonly file_sha256: string | null;
  readonly file_content_sha256: string | null;
  /** 0-based position of the record among the values of its file. */
  readonly record_index: number;
  /** SHA-256 of the line in events.ndjson, without its newline. */
  readonly record_sha256: string;
  /** True when the line holds the record's bytes exactly as its file held them. */
  readonly verbatim: boolean;
  /** Why not, when not: line breaks of a pretty-printed source turned into spaces, or the index's reason. */
  readonly verbatim_reason: string | null;
  /** A `verification` verdict for the file (valid, modified, not-covered, …), or "not verified". */
  readonly verification: string;
  readonly verification_detail: string | null;
  readonly verified_at: string | null;
}

/** manifest.json: what was exported, how it was selected, and the digests that pin it. */
export interface ExportManifest {
  readonly format: 'trailhound-export/1';
  readonly tool: { readonly name: 'trailhound'; readonly version: string };
  readonly exported_at: string;
  readonly database: string;
  readonly query: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly count: number;
  readonly files: {
    readonly events: ExportedFile;
    readonly provenance: ExportedFile;
  };
  /** Records per verification status of their source file. */
  readonly verification: Record<string, number>;
}

export interface ExportedFile {
  readonly path: string;
  readonly sha256: string;
  readonly size_bytes: number;
}

export interface ExportOptions {
  /** The folder to write: new, or empty. */
  readonly dir: string;
  /** The database path as recorded in the manifest (absolute). */
  readonly databasePath: string;
  readonly toolVersion: string;
  /** The time the query was compiled at (relative `since:` spans count from it). */
  readonly exportedAt: Date;
}

type ExportRow = Omit<ProvenanceLine, 'line' | 'record_sha256' | 'verbatim' | 'verbatim_reason'> & {
  readonly record: Buffer | null;
  /** record_fidelity.reason: the record is stored as other bytes than its file's, and why. */
  readonly not_verbatim: string | null;
};

/**
 * Matching events oldest first, with their file, its digests and its verification verdict. Broad
 * queries read the time index in order; matches found through the full-text index are sorted by
 * SQLite, which spills to a temporary file past its cache, so memory stays bounded either way.
 */
export function exportStatement(compiled: CompiledQuery): SqlPart {
  return {
    // The record's stored bytes, not the `record` text, which has U+FFFD for invalid UTF-8 (issue 13).
    sql:
      'SELECT e.event_id, e.event_time, e.record_index, f.path AS source_file, f.sha256 AS file_sha256,\n' +
      '  (SELECT CAST(x.record AS BLOB) FROM event_records x WHERE x.id = e.row_id) AS record,\n' +
      '  (SELECT rf.reason FROM record_fidelity rf WHERE rf.row_id = e.row_id) AS not_verbatim,\n' +
      "  f.content_sha256 AS file_content_sha256, coalesce(v.verdict, 'not verified') AS verification,\n" +
      '  v.detail AS verification_detail, v.verified_at\n' +
      'FROM events e\nLEFT JOIN files f ON f.id = e.file_id\n' +
      "LEFT JOIN verification v ON v.path = f.path AND v.kind = 'log'\n" +
      `WHERE ${compiled.where.sql}\nORDER BY e.event_time ASC, e.row_id ASC`,
    params: compiled.where.params,
  };
}

/**
 * Writes the matching records verbatim to DIR/events.ndjson, one provenance line per record to
 * DIR/provenance.ndjson, then DIR/manifest.json. Rows stream from SQLite to the files, so memory
 * does not grow with the result. On failure the files written so far are removed.
 */
export function exportEvidence(db: SqliteDatabase, compiled: CompiledQuery, options: ExportOptions): ExportManifest {
  const createdDir = prepareExportDir(options.dir);
  const opened: HashedFile[] = [];
  try {
    const events = openExportFile(options.dir, EXPORT_FILES.events, opened);
    const provenance = openExportFile(options.dir, EXPORT_FILES.provenance, opened);
    const statement = exportStatement(compiled);
    const { count, verification } = writeRecords(
      iterateRows<ExportRow>(db, statement, 'export failed'),
      events,
      provenance,
    );
    const manifest: ExportManifest = {
      format: 'trailhound-export/1',
      tool: { name: 'trailhound', version: options.toolVersion },
      exported_at: options.exportedAt.toISOString(),
      database: options.databasePath,
      query: compiled.query,
      sql: statement.sql,
      params: statement.params,
      count,
      files: {
        events: finishFile(events, EXPORT_FILES.events),
        provenance: finishFile(provenance, EXPORT_FILES.provenance),
      },
      verification,
    };
    const manifestFile = openExportFile(options.dir, EXPORT_FILES.manifest, opened);
    manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
    manifestFile.finish();
    return manifest;
  } catch (error) {
    removePartialExport(options.dir, opened, createdDir);
    // Database failures arrive as UserErrors already; anything else came from writing the files.
    throw error instanceof UserError ? error : cannotWrite(options.dir, error);
  }
}

function writeRecords(
  rows: Iterable<ExportRow>,
  events: HashedFile,
  provenance: HashedFile,
): { count: number; verification: Record<string, number> } {
  let count = 0;
  const verification: Record<string, number> = {};
  for (const row of rows) {
    const record = row.record;
    if (record === null) {
      throw new UserError({
        what: 'export failed',
        reason: `the record of event ${row.event_id ?? '(no eventID)'} is missing from the database`,
        help: 'index the logs again into a new --db file',
      });
    }
    count += 1;
    const { line, reason } = toLine(record, row.not_verbatim);
    events.write(line);
    events.write('\n');
    const entry: ProvenanceLine = {
      line: count,
      event_id: row.event_id,
      event_time: row.event_time,
      source_file: row.source_file,
      file_sha256: row.file_sha256,
      file_content_sha256: row.file_content_sha256,
      record_index: row.record_index,
      record_sha256: sha256(line),
      verbatim: reason === null,
      verbatim_reason: reason,
      verification: row.verification,
      verification_detail: row.verification_detail,
      verified_at: row.verified_at,
    };
    provenance.write(`${JSON.stringify(entry)}\n`);
    verification[row.verification] = (verification[row.verification] ?? 0) + 1;
  }
  return { count, verification };
}

function openExportFile(dir: string, name: string, opened: HashedFile[]): HashedFile {
  try {
    const file = createHashedFile(join(dir, name));
    opened.push(file);
    return file;
  } catch (error) {
    throw cannotWrite(join(dir, name), error);
  }
}

function finishFile(file: HashedFile, name: string): ExportedFile {
  const { sha256: digest, sizeBytes } = file.finish();
  return { path: name, sha256: digest, size_bytes: sizeBytes };
}

/**
 * One NDJSON line of the record's bytes. Raw line breaks can only sit between JSON tokens; a space
 * there keeps the value and the length, but the line is then no longer the file's bytes.
 */
function toLine(record: Buffer, notVerbatim: string | null): { line: Buffer; reason: string | null } {
  if (!record.includes(0x0a) && !record.includes(0x0d)) return { line: record, reason: notVerbatim };
  const line = Buffer.from(record);
  for (let i = 0; i < line.length; i++) if (line[i] === 0x0a || line[i] === 0x0d) line[i] = 0x20;
  const reason = 'line breaks between JSON tokens (a pretty-printed source) were turned into spaces';
  return { line, reason: notVerbatim === null ? reason : `${notVerbatim}; ${reason}` };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
