import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { InputError, messageOf } from './errors.js';
import type { Problem } from './errors.js';
import { RecordSplitter } from './decode/records.js';
import type { LayoutKind, RawValue } from './decode/records.js';
import { gunzipStream, gunzipTolerant, isGzip, TrailingDataError } from './decode/gunzip.js';
import { Gunzip as FflateGunzip } from 'fflate';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { classifyValue, isDigest } from './normalize/event.js';
import type { TrailEvent } from './normalize/event.js';
import { toDigestInfo } from './normalize/digest.js';
import type { DigestInfo } from './normalize/digest.js';
import { readFileChunks } from './sources/read.js';
import { isZip, readZipEntries } from './sources/zip.js';
import type { SourceFile, PathHint } from './sources/walk.js';
import { packRecordBlock } from './store/record-blocks.js';
import { toEventRow, toSearchRow } from './store/ingest.js';
import type { FileOutcome, FileSink, FileStatus } from './store/ingest.js';

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

/** Keeping blocks near 64 KB gives 12x compression; larger blocks cost more to read one record. */
const BLOCK_TARGET_BYTES = 64 * 1024;

/**
 * Files up to this size are read in one call and, when gzipped, inflated in one call: per-file stream
 * set-up dominated the time on real archives, whose files are mostly under 1 MB.
 */
const WHOLE_READ_MAX_BYTES = 16 * 1024 * 1024;
/** Inflating in one call holds the output in memory; past this the streaming path takes over. */
const WHOLE_INFLATE_MAX_BYTES = 256 * 1024 * 1024;

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

async function* hashedOnce(bytes: Buffer, hash: Hash | null): AsyncGenerator<Buffer> {
  hash?.update(bytes);
  yield bytes;
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

/**
 * Turns a stream of decompressed bytes into event batches, problems and digests, for one file.
 * A fatal error (corrupt gzip, not JSON) ends the file; everything read before it is kept.
 */
class FileDecoder {
  private readonly contentHash: Hash = createHash('sha256');
  private readonly splitter: RecordSplitter;
  private pending: PendingBatch = emptyPending();
  private eventsRead = 0;
  private problemsStored = 0;
  private problemsOverflow = 0;
  private sawDigest = false;
  fatal: InputError | null = null;

  constructor(
    private readonly path: string,
    private readonly hint: PathHint,
    private readonly limits: ReadLimits,
    private readonly sink: FileSink,
  ) {
    this.splitter = new RecordSplitter({
      maxValueBytes: limits.maxRecordBytes,
      onValue: (value) => this.onValue(value),
      onSkipped: (skipped) => this.problem('decode', positionOf(skipped), skipped.reason),
    });
  }

  async run(chunks: AsyncIterable<Buffer>): Promise<Omit<FileOutcome, 'sha256'>> {
    try {
      for await (const chunk of chunks) this.push(chunk);
      this.splitter.end();
    } catch (error) {
      this.fatal = error instanceof InputError ? error : new InputError('read', messageOf(error));
    }
    return this.finish();
  }

  push(chunk: Buffer): void {
    this.contentHash.update(chunk);
    this.splitter.push(chunk);
  }

  /** Used by zip entries, whose bytes arrive by callback rather than as a stream. */
  endPushed(error: InputError | null): Omit<FileOutcome, 'sha256'> {
    try {
      if (error === null) this.splitter.end();
      else this.fatal = error;
    } catch (thrown) {
      this.fatal = thrown instanceof InputError ? thrown : new InputError('decode', messageOf(thrown));
    }
    return this.finish();
  }

  pushSafely(chunk: Buffer): void {
    if (this.fatal) return;
    try {
      this.push(chunk);
    } catch (error) {
      this.fatal = error instanceof InputError ? error : new InputError('decode', messageOf(error));
    }
  }

  private finish(): Omit<FileOutcome, 'sha256'> {
    if (this.fatal && !(this.fatal instanceof TrailingDataError)) {
      this.problem(this.fatal.stage, this.fatal.position, this.fatal.reason);
    }
    this.flushBatch();
    if (this.problemsOverflow > 0) {
      this.sink.problem({ path: this.path, position: null, stage: 'decode', reason: `${this.problemsOverflow} more problems in this file were not stored` });
    }
    const status: FileStatus = this.fatal === null ? 'done' : this.eventsRead > 0 || this.sawDigest ? 'partial' : 'failed';
    return {
      contentSha256: this.fatal === null ? this.contentHash.digest('hex') : null,
      kind: this.sawDigest ? 'digest' : this.eventsRead > 0 || this.hint === 'log' || this.hint === 'insight' ? 'log' : 'other',
      format: this.splitter.layout,
      eventsRead: this.eventsRead,
      status,
    };
  }

  private onValue(raw: RawValue): void {
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch (error) {
      this.problem('decode', positionOf(raw), `invalid JSON: ${messageOf(error)}`);
      return;
    }
    this.onParsed(value, raw.text, raw);
  }

  private onParsed(value: unknown, text: string, raw: RawValue, unwrapped = false): void {
    const verdict = classifyValue(value, text);
    switch (verdict.kind) {
      case 'event':
        this.addEvent(verdict.event, value, raw);
        return;
      case 'wrapped':
        if (unwrapped) return this.problem('normalize', positionOf(raw), 'a wrapper inside a wrapper is not read');
        for (const inner of verdict.inner) this.onParsed(inner.value, inner.text, raw, true);
        return;
      case 'digest':
        return this.addDigest(value as Record<string, unknown>, raw);
      case 'rejected':
        return this.problem('normalize', positionOf(raw), verdict.reason);
    }
  }

  private addEvent(event: TrailEvent, value: unknown, raw: RawValue): void {
    if (event.timeProblem) this.problem('normalize', positionOf(raw), `${event.timeProblem}; kept with no time`);
    const pending = this.pending;
    pending.rows.push(toEventRow(event, event.eventId === null ? contentKey(value) : null));
    pending.searchTexts.push(toSearchRow(event));
    pending.texts.push(event.recordText);
    pending.indexes.push(raw.index);
    pending.bytes += event.recordText.length;
    this.eventsRead++;
    if (pending.bytes >= BLOCK_TARGET_BYTES) this.flushBatch();
  }

  private addDigest(value: Record<string, unknown>, raw: RawValue): void {
    if (!isDigest(value)) return;
    this.sawDigest = true;
    // A digest is pinned by the hash of its whole uncompressed file; a digest is one value per file.
    this.sink.digest(toDigestInfo(value, raw.text));
  }

  private flushBatch(): void {
    const { rows, searchTexts, texts, indexes } = this.pending;
    if (rows.length === 0) return;
    this.pending = emptyPending();
    this.sink.batch({ rows, searchTexts, recordIndexes: indexes, block: packRecordBlock(texts) });
  }

  private problem(stage: Problem['stage'], position: string | null, reason: string): void {
    if (this.problemsStored >= this.limits.maxProblemsPerFile) {
      this.problemsOverflow++;
      return;
    }
    this.problemsStored++;
    this.sink.problem({ path: this.path, position, stage, reason });
  }
}

/** Records without an eventID are deduplicated by content, compared without layout whitespace. */
function contentKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

interface PendingBatch {
  rows: unknown[][];
  searchTexts: string[][];
  texts: string[];
  indexes: number[];
  bytes: number;
}

function emptyPending(): PendingBatch {
  return { rows: [], searchTexts: [], texts: [], indexes: [], bytes: 0 };
}

function positionOf(at: { index: number; line: number; byteOffset: number }): string {
  return `record ${at.index}, line ${at.line}, byte ${at.byteOffset}`;
}

/** Each entry is read as a file of its own, labelled `<zip>!<entry>`; the zip itself is an archive. */
async function indexZip(
  zipPath: string,
  mtimeMs: number,
  chunksOf: (hash: Hash) => AsyncIterable<Buffer>,
  limits: ReadLimits,
  zipSink: FileSink,
  openSink: OpenFileSink,
): Promise<void> {
  const zipHash = createHash('sha256');
  const labels = new Set<string>();
  let entriesRead = 0;
  let status: FileStatus = 'done';
  const openEntry = (name: string, index: number) => {
    entriesRead++;
    const label = uniqueLabel(`${zipPath}!${name}`, labels, index);
    if (label !== `${zipPath}!${name}`) {
      zipSink.problem({ path: zipPath, position: `entry ${index}`, stage: 'read', reason: `duplicate entry name ${JSON.stringify(name)}; read as ${label}` });
    }
    return new ZipEntryReader(label, limits, openSink({ path: label, sizeBytes: null, mtimeMs }));
  };
  try {
    await readZipEntries(chunksOf(zipHash), {
      maxEntries: limits.maxZipEntries,
      maxEntryBytes: limits.maxDecompressedBytes,
      maxTotalBytes: limits.maxDecompressedBytes * 4,
    }, openEntry);
  } catch (error) {
    const fatal = error instanceof InputError ? error : new InputError('decompress', messageOf(error));
    zipSink.problem({ path: zipPath, position: fatal.position, stage: fatal.stage, reason: fatal.reason });
    status = entriesRead > 0 ? 'partial' : 'failed';
  }
  zipSink.finish({ sha256: zipHash.digest('hex'), contentSha256: null, kind: 'archive', format: 'zip', eventsRead: 0, status });
}

function uniqueLabel(label: string, used: Set<string>, index: number): string {
  const unique = used.has(label) ? `${label}#${index}` : label;
  used.add(unique);
  return unique;
}

/** One zip entry: optionally gzipped inside the zip, decoded as it streams. */
class ZipEntryReader {
  private readonly decoder: FileDecoder;
  private readonly entryHash = createHash('sha256');
  private gunzip: FflateGunzip | null = null;
  private sniffed = false;
  private inflatedBytes = 0;

  constructor(
    label: string,
    private readonly limits: ReadLimits,
    private readonly sink: FileSink,
  ) {
    this.decoder = new FileDecoder(label, 'unknown', limits, sink);
  }

  onData(chunk: Buffer): void {
    this.entryHash.update(chunk);
    if (this.decoder.fatal) return;
    if (!this.sniffed) {
      this.sniffed = true;
      if (isGzip(chunk)) this.gunzip = new FflateGunzip((data) => this.onInflated(data));
    }
    if (this.gunzip === null) return this.decoder.pushSafely(chunk);
    try {
      this.gunzip.push(chunk);
    } catch (error) {
      this.decoder.fatal ??= new InputError('decompress', `gzip data in the zip entry is corrupt (${messageOf(error)})`);
    }
  }

  onEnd(error: InputError | null): void {
    const outcome = this.decoder.endPushed(error ?? this.decoder.fatal);
    this.sink.finish({ ...outcome, sha256: this.entryHash.digest('hex') });
  }

  private onInflated(data: Uint8Array): void {
    this.inflatedBytes += data.length;
    if (this.inflatedBytes > this.limits.maxDecompressedBytes) {
      this.decoder.fatal ??= new InputError('decompress', `gzip data in the zip entry exceeds the ${this.limits.maxDecompressedBytes}-byte limit (a gzip bomb?)`);
      return;
    }
    this.decoder.pushSafely(Buffer.from(data.buffer, data.byteOffset, data.length));
  }
}
