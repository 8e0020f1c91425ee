import { createWriteStream, openSync, rmSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { CompiledQuery } from '../search/compile.js';
import { allMatches } from '../search/engine.js';
import type { EventListRow } from '../search/engine.js';
import { CSV_LABELS, toCsvRow } from '../present/event-row.js';
import { createBackpressuredWriter, writeRows } from '../present/format.js';
import { writeRawJsonLines } from '../present/json.js';
import { mapRows } from '../forensics/statement.js';
import { openReadOnly } from '../store/db.js';
import type { ExportFormat, ExportResult } from './protocol.js';

/** Rows read by id at a time: few statements, and few records inflated ahead of the writer. */
const EXPORT_PAGE = 1_000;

/**
 * Writes the result set, newest first like the list on screen, to a new file in `dir`: NDJSON holds
 * the original records (as `search --format ndjson`), CSV the list columns (as `search --format csv`).
 * Its own connection holds one read snapshot, so a running `watch` cannot shift the pages; the
 * searches typed meanwhile keep the other connection.
 */
export async function exportResults(
  dbPath: string,
  compiled: CompiledQuery,
  options: { format: ExportFormat; dir: string; now?: Date },
): Promise<ExportResult> {
  const db = openReadOnly(dbPath);
  const { path, stream } = createExportFile(options.dir, options.format, options.now ?? new Date());
  let events = 0;
  const counted = function* <T>(rows: Iterable<T>) {
    for (const row of rows) {
      events++;
      yield row;
    }
  };
  try {
    db.exec('BEGIN');
    const rows = counted(allMatches(db, compiled, 'newest', EXPORT_PAGE, { withRecord: options.format === 'ndjson' }));
    if (options.format === 'ndjson') await writeRawJsonLines(records(rows), createBackpressuredWriter(stream));
    else await writeRows('csv', mapRows(rows, toCsvRow), CSV_LABELS, stream, { maxWidth: Number.POSITIVE_INFINITY });
    await closeStream(stream);
    return { path, events };
  } catch (error) {
    stream.destroy();
    rmSync(path, { force: true });
    throw error;
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
    db.close();
  }
}

function* records(rows: Iterable<EventListRow>): IterableIterator<string> {
  for (const row of rows) yield row.record ?? 'null';
}

/** `trailhound-export-20260303-141500.ndjson`, with `-2`, `-3` … rather than overwriting a file. */
function createExportFile(dir: string, format: ExportFormat, now: Date): { path: string; stream: WriteStream } {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  for (let attempt = 1; ; attempt++) {
    const path = join(dir, `trailhound-export-${stamp}${attempt === 1 ? '' : `-${attempt}`}.${format}`);
    try {
      const fd = openSync(path, 'wx', 0o644);
      return { path, stream: createWriteStream('', { fd }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
