import type { Problem } from '../errors.js';
import { indexSourceFile } from './index-file.js';
import type { EntryInfo, ReadLimits } from './limits.js';
import { DecodePool } from './decode-pool.js';
import type { EventBatch, FileOutcome, FileSink, IndexWriter } from '../store/ingest.js';
import type { DigestInfo } from '../normalize/digest.js';
import { walkSources } from '../sources/walk.js';
import type { SourceFile } from '../sources/walk.js';
import { skipReason, SKIP_REASONS } from '../sources/key-filter.js';
import type { KeyFilter, SkipReason } from '../sources/key-filter.js';

/** Counts for the summary `index` prints and the progress line. */
export interface IndexSummary {
  filesSeen: number;
  filesRead: number;
  filesUnchanged: number;
  filesFailed: number;
  filesPartial: number;
  digests: number;
  eventsRead: number;
  eventsNew: number;
  problems: number;
  bytesRead: number;
  /** Files left unopened because their S3 key lies outside --since/--until/--account/--region, by reason. */
  filesSkipped: Record<SkipReason, number>;
  /** The first few problems of this run, for the summary; all of them are in the problems table. */
  firstProblems: Problem[];
}

const PROBLEMS_IN_SUMMARY = 5;

export function countProblem(summary: IndexSummary, problem: Problem): void {
  summary.problems++;
  if (summary.firstProblems.length < PROBLEMS_IN_SUMMARY) summary.firstProblems.push(problem);
}

export interface IndexOptions {
  readonly limits: ReadLimits;
  /** Decoding threads; 0 decodes on the calling thread (tests, where the compiled worker is absent). */
  readonly workers: number;
  /** Called after each file; `summary` is live, not a copy. */
  readonly onFile?: (source: SourceFile, summary: IndexSummary) => void;
  /** Files never to read: the database and its companions, when it lives inside the archive. */
  readonly exclude?: ReadonlySet<string>;
  /** Stop between files (SIGINT): what is done is committed, the rest is read on the next run. */
  readonly shouldStop?: () => boolean;
  /** Build plain indexes at the end once this many new events (and more than the index held) arrive. */
  readonly deferIndexesAfter?: number;
  /** Files to leave unopened, judged by their S3 key (sources/key-filter.ts). */
  readonly keyFilter?: KeyFilter | undefined;
}

/** Below this, rebuilding indexes at the end costs more than keeping them up to date. */
export const DEFAULT_DEFER_INDEXES_AFTER = 10_000;

export function emptySummary(): IndexSummary {
  return {
    filesSeen: 0,
    filesRead: 0,
    filesUnchanged: 0,
    filesFailed: 0,
    filesPartial: 0,
    digests: 0,
    eventsRead: 0,
    eventsNew: 0,
    problems: 0,
    bytesRead: 0,
    filesSkipped: Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>,
    firstProblems: [],
  };
}

/**
 * Indexes files and folders: unchanged files (same size and mtime as when last read) are skipped,
 * new and changed ones are read. Re-running on the same paths is a no-op.
 */
export async function indexPaths(
  paths: readonly string[],
  writer: IndexWriter,
  options: IndexOptions,
): Promise<IndexSummary> {
  const summary = emptySummary();
  const recordWalkProblem = (problem: Problem) => {
    writer.addProblem(null, problem);
    countProblem(summary, problem);
  };
  const pool = options.workers > 0 ? new DecodePool(options.workers) : null;
  const pending = new Set<Promise<void>>();
  const store: StoreState = { failure: null };
  writer.allowDeferredIndexes(options.deferIndexesAfter ?? DEFAULT_DEFER_INDEXES_AFTER);
  try {
    for await (const source of walkSources(paths, {
      onProblem: recordWalkProblem,
      exclude: options.exclude ?? new Set(),
    })) {
      if (options.shouldStop?.()) break;
      throwIfStoreFailed(store);
      const skip = options.keyFilter ? skipReason(source.path, options.keyFilter) : null;
      if (skip) {
        summary.filesSkipped[skip]++;
        continue;
      }
      summary.filesSeen++;
      if (isUnchanged(writer, source)) {
        summary.filesUnchanged++;
        continue;
      }
      summary.filesRead++;
      summary.bytesRead += source.sizeBytes;
      const openSink = (entry: EntryInfo) => new WriterSink(writer, entry, summary, store);
      const done = pool
        ? (await pool.submit(source, options.limits, openSink)).done
        : indexSourceFile(source, options.limits, openSink);
      track(
        pending,
        done.then(() => options.onFile?.(source, summary)),
      );
      if (!pool) await done;
    }
    await Promise.all(pending);
    throwIfStoreFailed(store);
    pool?.throwIfFailed();
    writer.commit();
    writer.restoreIndexes();
  } catch (error) {
    writer.rollback();
    throw error;
  } finally {
    await pool?.close();
  }
  return summary;
}

function track(pending: Set<Promise<void>>, promise: Promise<void>): void {
  pending.add(promise);
  void promise.finally(() => pending.delete(promise));
}

/** Same size and mtime as when it was last read completely: skip it (re-runs are no-ops). */
export function isUnchanged(writer: IndexWriter, source: SourceFile): boolean {
  const known = writer.knownFile(source.path);
  return (
    known !== undefined &&
    known.status !== 'indexing' &&
    known.status !== 'missing' &&
    known.sizeBytes === source.sizeBytes &&
    known.mtimeMs === source.mtimeMs
  );
}

/**
 * The first failure to write (a full disk, say). SQLite has then rolled the open transaction back,
 * so nothing more may be written in this run: every sink goes quiet and the run ends with the error.
 */
interface StoreState {
  failure: unknown;
}

function throwIfStoreFailed(store: StoreState): void {
  if (store.failure !== null) throw store.failure;
}

/** Routes one file's output into the writer, keeping the counts. */
class WriterSink implements FileSink {
  private fileId = -1;
  private eventsNew = 0;

  constructor(
    private readonly writer: IndexWriter,
    entry: EntryInfo,
    private readonly summary: IndexSummary,
    private readonly store: StoreState,
  ) {
    this.guard(() => {
      this.fileId = writer.beginFile(entry.path, entry.sizeBytes, entry.mtimeMs);
      writer.forgetProblems(this.fileId);
    });
  }

  /** Decoders turn what they catch into problems; a store failure must instead stop the run. */
  private guard(write: () => void): void {
    if (this.store.failure !== null) return;
    try {
      write();
    } catch (error) {
      this.store.failure = error;
    }
  }

  batch(batch: EventBatch): void {
    this.guard(() => {
      this.eventsNew += this.writer.addBatch(this.fileId, batch);
    });
  }

  problem(problem: Problem): void {
    this.guard(() => this.writer.addProblem(this.fileId, problem));
    countProblem(this.summary, problem);
  }

  digest(digest: DigestInfo): void {
    this.guard(() => this.writer.addDigest(this.fileId, digest));
    this.summary.digests++;
  }

  finish(outcome: FileOutcome): void {
    this.guard(() => this.writer.finishFile(this.fileId, outcome, this.eventsNew));
    this.summary.eventsRead += outcome.eventsRead;
    this.summary.eventsNew += this.eventsNew;
    if (outcome.status === 'failed') this.summary.filesFailed++;
    if (outcome.status === 'partial') this.summary.filesPartial++;
  }
}
