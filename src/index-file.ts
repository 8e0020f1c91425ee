import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { gunzipStream, gunzipTolerant, isGzip, TrailingDataError } from './decode/gunzip.js';
import { readFileChunks } from './sources/read.js';
import { isZip } from './sources/zip.js';
import type { SourceFile } from './sources/walk.js';
import type { FileSink } from './store/ingest.js';
import { FileDecoder } from './file-decoder.js';
import { indexZip } from './index-zip.js';

/** Limits that keep one hostile file from costing unbounded time or memory. */
export interface ReadLimits {
  readonly maxDecompressedBytes: number;
  readonly maxRecordBytes: number;
  readonly maxZipEntries: number;
  /** Problems stored per file; the rest are counted in one summary problem. */
  readonly maxProblemsPerFile: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  // A CloudTrail log file is rarely over 100 MB decompressed; 4 GiB leaves room for big exports.
  maxDecompressedBytes: 4 * 1024 ** 3,
  // CloudTrail caps requestParameters and responseElements at 100 KB each.
  maxRecordBytes: 8 * 1024 * 1024,
  maxZipEntries: 1_000_000,
  maxProblemsPerFile: 100,
};

export interface EntryInfo {
  readonly path: string;
  readonly sizeBytes: number | null;
  readonly mtimeMs: number | null;
}

/** Opens the sink of a file; a zip opens one per entry. */
export type OpenFileSink = (entry: EntryInfo) => FileSink;

/**
 * Files up to this size are read in one call and, when gzipped, inflated in one call: per-file stream
 * set-up dominated the time on real archives, whose files are mostly under 1 MB.
 */
const WHOLE_READ_MAX_BYTES = 16 * 1024 * 1024;
/** Inflating in one call holds the output in memory; past this the streaming path takes over. */
const WHOLE_INFLATE_MAX_BYTES = 64 * 1024 * 1024;
const SLICE_BYTES = 1024 * 1024;

/** Reads one source file to the end: events, problems and digests go to sinks; nothing throws. */
export async function indexSourceFile(source: SourceFile, limits: ReadLimits, openSink: OpenFileSink): Promise<void> {
  const sink = openSink({ path: source.path, sizeBytes: source.sizeBytes, mtimeMs: source.mtimeMs });
  const whole = source.sizeBytes <= WHOLE_READ_MAX_BYTES ? readWhole(source.path) : null;
  const head = whole ?? (await readHead(source.path));
  const chunksOf = (hash: Hash): AsyncIterable<Buffer> => (whole ? hashedOnce(whole, hash) : readFileChunks(source.path, hash));
  if (head !== null && isZip(head)) {
    await indexZip(source.path, source.mtimeMs, chunksOf, limits, sink, openSink);
    return;
  }
  const gzipped = head !== null && isGzip(head);
  const inflated = whole && gzipped ? inflateWhole(whole, limits) : null;
  const fileHash = createHash('sha256');
  const decoder = new FileDecoder(source.path, source.hint, limits, sink);
  const input = inflated ? hashedOnce(inflated, null) : decompressed(chunksOf(fileHash), gzipped, false, limits);
  const outcome = await decoder.run(input);
  if (inflated) fileHash.update(whole!);
  if (!(decoder.fatal instanceof TrailingDataError)) {
    sink.finish({ ...outcome, sha256: fileHash.digest('hex') });
    return;
  }
  // Events of the first pass are already stored; the store ignores them the second time.
  const retryHash = createHash('sha256');
  const retry = new FileDecoder(source.path, source.hint, limits, sink);
  const retried = await retry.run(decompressed(chunksOf(retryHash), gzipped, true, limits));
  sink.finish({ ...retried, sha256: retryHash.digest('hex') });
}

function decompressed(chunks: AsyncIterable<Buffer>, gzipped: boolean, tolerant: boolean, limits: ReadLimits): AsyncIterable<Buffer> {
  if (!gzipped) return chunks;
  return tolerant ? gunzipTolerant(chunks, limits.maxDecompressedBytes) : gunzipStream(chunks, limits.maxDecompressedBytes);
}

/** Slices, so that a decoder can pause between them when the writer is behind. */
async function* hashedOnce(bytes: Buffer, hash: Hash | null): AsyncGenerator<Buffer> {
  hash?.update(bytes);
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) yield bytes.subarray(start, start + SLICE_BYTES);
}

/** The fast path; any trouble (corrupt, truncated, too large) is left to the streaming path to report. */
function inflateWhole(compressed: Buffer, limits: ReadLimits): Buffer | null {
  try {
    return gunzipSync(compressed, { maxOutputLength: Math.min(limits.maxDecompressedBytes, WHOLE_INFLATE_MAX_BYTES) });
  } catch {
    return null;
  }
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

