import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { InputError, messageOf } from '../errors.js';
import type { Problem } from '../errors.js';
import { MAX_VALUE_DEPTH, RecordSplitter } from '../decode/records.js';
import type { RawValue } from '../decode/records.js';
import { TrailingDataError } from '../decode/gunzip.js';
import { isUtf8 } from 'node:buffer';
import { classifyValue, describeType, isDigest } from '../normalize/event.js';
import type { TrailEvent, WrappedRecord } from '../normalize/event.js';
import { hasLoneSurrogate, JsonSlicer, nestingDepth } from '../decode/json-slices.js';
import { toDigestInfo } from '../normalize/digest.js';
import type { PathHint } from '../sources/walk.js';
import { toEventRow, toSearchRow } from '../store/ingest.js';
import { traceLinksOf } from '../normalize/trace-links.js';
import type { FileOutcome, FileSink, FileStatus } from '../store/ingest.js';
import type { ReadLimits } from './limits.js';
import { withoutLayout } from '../decode/json-bytes.js';

/** Records per message to the writer, by size: ~64 KB amortises a message without holding much. */
const BATCH_TARGET_BYTES = 64 * 1024;

/** Help for a JSON value of the wrong shape: other services' JSON often sits beside the trail's logs. */
const NOT_CLOUDTRAIL_HELP =
  "only CloudTrail records are indexed; give the trail's AWSLogs/<account>/CloudTrail/ folders, or leave this file out";

/**
 * Turns a stream of decompressed bytes into event batches, problems and digests, for one file.
 * A fatal error (corrupt gzip, not JSON) ends the file; everything read before it is kept.
 */
export class FileDecoder {
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
      onSkipped: (skipped) => this.problem('decode', positionOf(skipped), skipped.reason, skipped.help),
    });
  }

  async run(chunks: AsyncIterable<Buffer>): Promise<Omit<FileOutcome, 'sha256'>> {
    try {
      for await (const chunk of chunks) {
        this.push(chunk);
        await this.sink.ready?.();
      }
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
      this.problem(this.fatal.stage, this.fatal.position, this.fatal.reason, this.fatal.help);
    }
    this.flushBatch();
    if (this.problemsOverflow > 0) {
      this.sink.problem({
        path: this.path,
        position: null,
        stage: 'decode',
        reason: `${this.problemsOverflow} more problems in this file were not stored`,
      });
    }
    const status: FileStatus =
      this.fatal === null ? 'done' : this.eventsRead > 0 || this.sawDigest ? 'partial' : 'failed';
    return {
      contentSha256: this.fatal === null ? this.contentHash.digest('hex') : null,
      kind: this.sawDigest
        ? 'digest'
        : this.eventsRead > 0 || this.hint === 'log' || this.hint === 'insight'
          ? 'log'
          : 'other',
      format: this.splitter.layout,
      eventsRead: this.eventsRead,
      status,
    };
  }

  private onValue(raw: RawValue): void {
    // One record's trouble is that record's problem: the file goes on with the next one (issue 13).
    try {
      this.readValue(raw);
    } catch (error) {
      this.problem('normalize', positionOf(raw), `the record could not be read: ${messageOf(error)}`);
    }
  }

  private readValue(raw: RawValue): void {
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch (error) {
      this.problem('decode', positionOf(raw), `invalid JSON: ${messageOf(error)}`);
      return;
    }
    const verdict = classifyValue(value);
    switch (verdict.kind) {
      case 'event':
        return this.addEvent(verdict.event, value, { bytes: raw.bytes, notVerbatim: null }, raw, positionOf(raw));
      case 'wrapped':
        return this.readWrapped(verdict.inner, raw);
      case 'digest':
        return this.addDigest(value as Record<string, unknown>, raw);
      case 'rejected':
        return this.problem('normalize', positionOf(raw), verdict.reason, NOT_CLOUDTRAIL_HELP);
    }
  }

  /** Each record of a wrapper is kept as its own bytes, and checked as any record of a file is. */
  private readWrapped(inner: readonly WrappedRecord[], raw: RawValue): void {
    const slicer = new JsonSlicer(raw.bytes);
    for (const record of inner) {
      const at = `${positionOf(raw)}, ${describePath(record.path)}`;
      try {
        const found =
          record.kind === 'value'
            ? slicedRecord(record.value, record.path, slicer)
            : this.embeddedRecord(record.text, record.path, slicer, at);
        if (found === null) continue;
        const verdict = classifyValue(found.value);
        if (verdict.kind === 'event') this.addEvent(verdict.event, found.value, found.stored, raw, at);
        else if (verdict.kind === 'rejected') this.problem('normalize', at, verdict.reason, NOT_CLOUDTRAIL_HELP);
        else
          this.problem(
            'normalize',
            at,
            `a ${verdict.kind === 'wrapped' ? 'wrapper' : 'digest'} inside a wrapper is not read`,
          );
      } catch (error) {
        this.problem('normalize', at, `the record could not be read: ${messageOf(error)}`);
      }
    }
  }

  /**
   * A record serialised into a string (CloudWatch Logs `message`, lookup-events `CloudTrailEvent`):
   * the string is the record as logged. Its depth is checked before it is parsed, as the splitter
   * checks every record cut from a file.
   */
  private embeddedRecord(
    text: unknown,
    path: readonly (string | number)[],
    slicer: JsonSlicer,
    at: string,
  ): FoundRecord | null {
    if (typeof text !== 'string') {
      this.problem(
        'normalize',
        at,
        `a record must be a JSON object serialised as a string here, not ${describeType(text ?? null)}`,
      );
      return null;
    }
    if (nestingDepth(text, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) {
      this.problem('decode', at, `record nested deeper than ${MAX_VALUE_DEPTH} levels`);
      return null;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.problem('decode', at, `invalid JSON: ${messageOf(error)}`);
      return null;
    }
    return { value, stored: { bytes: Buffer.from(text, 'utf8'), notVerbatim: embeddedFidelity(text, path, slicer) } };
  }

  private addEvent(event: TrailEvent, value: unknown, stored: StoredBytes, raw: RawValue, at: string): void {
    if (event.timeProblem) this.problem('normalize', at, `${event.timeProblem}; kept with no time`);
    const pending = this.pending;
    if (stored.notVerbatim !== null)
      pending.notVerbatim.push({ index: pending.rows.length, reason: stored.notVerbatim });
    pending.rows.push(toEventRow(event, event.eventId === null ? contentKey(stored.bytes) : null));
    pending.searchTexts.push(toSearchRow(event));
    for (const link of traceLinksOf(value as Record<string, unknown>, event.eventNameBase))
      pending.links.push([pending.rows.length - 1, link.kind, link.value]);
    pending.records.push(stored.bytes);
    pending.indexes.push(raw.index);
    pending.bytes += stored.bytes.length;
    this.eventsRead++;
    if (pending.bytes >= BATCH_TARGET_BYTES) this.flushBatch();
  }

  private addDigest(value: Record<string, unknown>, raw: RawValue): void {
    if (!isDigest(value)) return;
    this.sawDigest = true;
    // A digest is pinned by the hash of its whole uncompressed file; a digest is one value per file.
    this.sink.digest(toDigestInfo(value, raw.text));
  }

  private flushBatch(): void {
    const { rows, searchTexts, records, indexes, notVerbatim, links } = this.pending;
    if (rows.length === 0) return;
    this.pending = emptyPending();
    this.sink.batch({
      rows,
      searchTexts,
      recordIndexes: indexes,
      records: records.map(toStoredRecord),
      notVerbatim,
      traceLinks: links,
    });
  }

  private problem(stage: Problem['stage'], position: string | null, reason: string, help?: string): void {
    if (this.problemsStored >= this.limits.maxProblemsPerFile) {
      this.problemsOverflow++;
      return;
    }
    this.problemsStored++;
    this.sink.problem({ path: this.path, position, stage, reason, help });
  }
}

/**
 * Records without an eventID are the same record only if their bytes are, apart from the whitespace
 * between tokens (as for conflicts, store/conflicts.ts): a hash of parsed JSON made two records that
 * differ in the last digit of a big integer one (issue 13), while a pretty-printed copy of a record is
 * that record.
 */
function contentKey(bytes: Buffer): string {
  return createHash('sha256').update(withoutLayout(bytes)).digest('hex');
}

/** The bytes a record is stored as, and why they are not the file's own bytes, when they are not. */
interface StoredBytes {
  readonly bytes: Buffer;
  readonly notVerbatim: string | null;
}

interface FoundRecord {
  readonly value: unknown;
  readonly stored: StoredBytes;
}

/** A record that is a member or element of a wrapper: its bytes are a slice of the wrapper's. */
function slicedRecord(value: unknown, path: readonly (string | number)[], slicer: JsonSlicer): FoundRecord {
  const slice = slicer.sliceAt(path);
  if (slice === null) throw new Error(`${describePath(path)} was parsed but not found in the bytes`);
  return { value, stored: { bytes: slicer.bytes.subarray(slice.start, slice.end), notVerbatim: null } };
}

/**
 * A string's text is the record as logged unless it cannot be written as the bytes it came from:
 * an escaped lone surrogate has no UTF-8 form, and invalid UTF-8 in the wrapper was replaced.
 */
function embeddedFidelity(text: string, path: readonly (string | number)[], slicer: JsonSlicer): string | null {
  if (hasLoneSurrogate(text))
    return (
      'the record holds an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF), which has no UTF-8 form: ' +
      'stored with U+FFFD in its place'
    );
  const slice = slicer.sliceAt(path);
  if (slice !== null && !isUtf8(slicer.bytes.subarray(slice.start, slice.end))) {
    return (
      'the string holding the record is not valid UTF-8 in the file: ' +
      'stored with U+FFFD in place of the invalid bytes'
    );
  }
  return null;
}

/** `logEvents[2].message`, for a problem's position. */
function describePath(path: readonly (string | number)[]): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

interface PendingBatch {
  rows: unknown[][];
  searchTexts: string[][];
  records: Buffer[];
  indexes: number[];
  notVerbatim: { index: number; reason: string }[];
  links: [number, string, string][];
  bytes: number;
}

function emptyPending(): PendingBatch {
  return { rows: [], searchTexts: [], records: [], indexes: [], notVerbatim: [], links: [], bytes: 0 };
}

function positionOf(at: { index: number; line: number; byteOffset: number }): string {
  return `record ${at.index}, line ${at.line}, byte ${at.byteOffset}`;
}

/**
 * How a record is stored: as text when its bytes are valid UTF-8 (what SQLite's JSON functions read),
 * else as those exact bytes (a BLOB). Decided here, on the decoding thread, not by the one writer.
 */
function toStoredRecord(bytes: Buffer): string | Buffer {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes;
}
