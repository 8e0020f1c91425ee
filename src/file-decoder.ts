import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { InputError, messageOf } from './errors.js';
import type { Problem } from './errors.js';
import { RecordSplitter } from './decode/records.js';
import type { RawValue } from './decode/records.js';
import { TrailingDataError } from './decode/gunzip.js';
import { classifyValue, isDigest } from './normalize/event.js';
import type { TrailEvent } from './normalize/event.js';
import { toDigestInfo } from './normalize/digest.js';
import type { PathHint } from './sources/walk.js';
import { packRecordBlock } from './store/record-blocks.js';
import { toEventRow, toSearchRow } from './store/ingest.js';
import { traceLinksOf } from './normalize/trace-links.js';
import type { FileOutcome, FileSink, FileStatus } from './store/ingest.js';
import type { ReadLimits } from './index-file.js';

/** Keeping blocks near 64 KB gives 12x compression; larger blocks cost more to read one record. */
const BLOCK_TARGET_BYTES = 64 * 1024;

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
      onSkipped: (skipped) => this.problem('decode', positionOf(skipped), skipped.reason),
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
    for (const link of traceLinksOf(value as Record<string, unknown>, event.eventNameBase)) pending.links.push([pending.rows.length - 1, link.kind, link.value]);
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
    const { rows, searchTexts, texts, indexes, links } = this.pending;
    if (rows.length === 0) return;
    this.pending = emptyPending();
    this.sink.batch({ rows, searchTexts, recordIndexes: indexes, block: packRecordBlock(texts), traceLinks: links });
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
  links: [number, string, string][];
  bytes: number;
}

function emptyPending(): PendingBatch {
  return { rows: [], searchTexts: [], texts: [], indexes: [], links: [], bytes: 0 };
}

function positionOf(at: { index: number; line: number; byteOffset: number }): string {
  return `record ${at.index}, line ${at.line}, byte ${at.byteOffset}`;
}

