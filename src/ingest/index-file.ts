import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { readFileChunks } from '../sources/read.js';
import { isZip } from '../sources/zip.js';
import type { SourceFile } from '../sources/walk.js';
import { inSlices } from './file-bytes.js';
import type { ChunksOf } from './file-bytes.js';
import { indexLogFile } from './index-log-file.js';
import { indexZip } from './index-zip.js';
import type { OpenFileSink, ReadLimits } from './limits.js';

/**
 * Files up to this size are read in one call and, when gzipped, inflated in one call: per-file stream
 * set-up dominated the time on real archives, whose files are mostly under 1 MB.
 */
const WHOLE_READ_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads one source file to the end: events, problems and digests go to sinks; nothing throws.
 * The container is sniffed from the first bytes, and each has one seam: a zip (index-zip.ts) or a
 * log file, gzipped or not (index-log-file.ts, which asks gzip-input.ts how to inflate).
 */
export async function indexSourceFile(source: SourceFile, limits: ReadLimits, openSink: OpenFileSink): Promise<void> {
  const sink = openSink({ path: source.path, sizeBytes: source.sizeBytes, mtimeMs: source.mtimeMs });
  const whole = source.sizeBytes <= WHOLE_READ_MAX_BYTES ? readWhole(source.path) : null;
  const head = whole ?? (await readHead(source.path));
  const chunksOf: ChunksOf = (hash) => (whole ? inSlices(whole, hash) : readFileChunks(source.path, hash));
  if (head !== null && isZip(head)) return indexZip(source.path, source.mtimeMs, chunksOf, limits, sink, openSink);
  return indexLogFile(source, { head, whole, chunksOf }, limits, sink);
}

/** Synchronous on purpose: an async read of a small file spent more time in the thread pool hop than reading. */
function readWhole(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null; // the streaming read that follows reports why the file cannot be read
  }
}

async function readHead(path: string): Promise<Buffer | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null; // the full read that follows reports why the file cannot be read
  }
}
