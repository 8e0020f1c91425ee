import type { Problem } from './errors.js';
import { indexSourceFile } from './index-file.js';
import type { EntryInfo, ReadLimits } from './index-file.js';
import type { EventBatch, FileOutcome, FileSink, IndexWriter } from './store/ingest.js';
import type { DigestInfo } from './normalize/digest.js';
import { walkSources } from './sources/walk.js';
import type { SourceFile } from './sources/walk.js';

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
  /** Called after each file; `summary` is live, not a copy. */
  readonly onFile?: (source: SourceFile, summary: IndexSummary) => void;
  /** Stop between files (SIGINT): what is done is committed, the rest is read on the next run. */
  readonly shouldStop?: () => boolean;
}

export function emptySummary(): IndexSummary {
  return { filesSeen: 0, filesRead: 0, filesUnchanged: 0, filesFailed: 0, filesPartial: 0, digests: 0, eventsRead: 0, eventsNew: 0, problems: 0, bytesRead: 0, firstProblems: [] };
}

/**
 * Indexes files and folders: unchanged files (same size and mtime as when last read) are skipped,
 * new and changed ones are read. Re-running on the same paths is a no-op.
 */
export async function indexPaths(paths: readonly string[], writer: IndexWriter, options: IndexOptions): Promise<IndexSummary> {
  const summary = emptySummary();
  const recordWalkProblem = (problem: Problem) => {
    writer.addProblem(null, problem);
    countProblem(summary, problem);
  };
  try {
    for await (const source of walkSources(paths, { onProblem: recordWalkProblem })) {
      if (options.shouldStop?.()) break;
      await indexOneSource(source, writer, options.limits, summary);
      options.onFile?.(source, summary);
    }
    writer.commit();
  } catch (error) {
    writer.rollback();
    throw error;
  }
  return summary;
}

/** Reads one file unless it is unchanged since it was last read; updates `summary`. */
export async function indexOneSource(source: SourceFile, writer: IndexWriter, limits: ReadLimits, summary: IndexSummary): Promise<void> {
  summary.filesSeen++;
  const known = writer.knownFile(source.path);
  if (known && known.status !== 'indexing' && known.status !== 'missing' && known.sizeBytes === source.sizeBytes && known.mtimeMs === source.mtimeMs) {
    summary.filesUnchanged++;
    return;
  }
  summary.filesRead++;
  summary.bytesRead += source.sizeBytes;
  await indexSourceFile(source, limits, (entry) => new WriterSink(writer, entry, summary));
}

/** Routes one file's output into the writer, keeping the counts. */
class WriterSink implements FileSink {
  private readonly fileId: number;
  private eventsNew = 0;

  constructor(
    private readonly writer: IndexWriter,
    private readonly entry: EntryInfo,
    private readonly summary: IndexSummary,
  ) {
    this.fileId = writer.beginFile(entry.path, entry.sizeBytes, entry.mtimeMs);
    writer.forgetProblems(this.fileId);
  }

  batch(batch: EventBatch): void {
    this.eventsNew += this.writer.addBatch(this.fileId, batch);
  }

  problem(problem: Problem): void {
    this.writer.addProblem(this.fileId, problem);
    countProblem(this.summary, problem);
  }

  digest(digest: DigestInfo): void {
    this.writer.addDigest(this.fileId, digest);
    this.summary.digests++;
  }

  finish(outcome: FileOutcome): void {
    this.writer.finishFile(this.fileId, outcome, this.eventsNew);
    this.summary.eventsRead += outcome.eventsRead;
    this.summary.eventsNew += this.eventsNew;
    if (outcome.status === 'failed') this.summary.filesFailed++;
    if (outcome.status === 'partial') this.summary.filesPartial++;
  }
}
