import { statSync } from 'node:fs';
import type { Problem } from '../errors.js';
import type { ReadLimits } from '../index-file.js';
import { emptySummary, indexPaths } from '../indexer.js';
import type { IndexSummary } from '../indexer.js';
import type { IndexWriter } from '../store/ingest.js';
import type { IndexState } from './index-state.js';
import type { IndexedBatch } from './on-indexed.js';
import type { WatchReporter } from './reporter.js';

/**
 * Below this many bytes in a batch, files are decoded on the main thread: starting the decode
 * threads cost 130 ms here, more than they saved on 40 files of 36 KB (240 ms on the main thread,
 * 395 ms with 2 threads); on 40 files of 930 KB they saved 470 ms of 2,020.
 */
const THREADS_MIN_BATCH_BYTES = 256 * 1024;

/**
 * A watch batch never lets the writer drop the event indexes to rebuild them at the end (the bulk
 * load trick of indexPaths' `deferIndexesAfter`): a rebuild costs time in proportion to the whole
 * index, every batch, and searches run without indexes meanwhile. Only the catch-up scan, a bulk
 * load like `index`, may do it.
 */
const NEVER_DEFER_INDEXES = Number.POSITIVE_INFINITY;

export interface BatchIndexerOptions {
  readonly limits: ReadLimits;
  readonly workers: number;
  readonly exclude: ReadonlySet<string>;
  readonly shouldStop: () => boolean;
}

/**
 * Turns paths into committed index changes, always through `indexPaths`, the same code path as
 * `index`: files still present are read (unchanged ones are skipped by size and mtime), files gone
 * are marked missing and keep their events.
 */
export class BatchIndexer {
  private lastWalkProblemId: number;
  private reading = false;

  constructor(
    private readonly writer: IndexWriter,
    private readonly state: IndexState,
    private readonly reporter: WatchReporter,
    private readonly options: BatchIndexerOptions,
  ) {
    this.lastWalkProblemId = state.lastWalkProblemId();
  }

  /** Reads everything under the roots as `index` would, then marks files deleted while no watch ran. */
  async catchUp(roots: readonly string[]): Promise<IndexedBatch> {
    const previousMaxRowId = this.state.maxEventRowId();
    const summary = await this.read(roots, this.options.workers, undefined);
    for (const root of roots) this.markGone(root);
    this.writer.commit();
    return { previousMaxRowId, maxRowId: this.state.maxEventRowId(), eventsNew: summary.eventsNew, catchUp: true };
  }

  /** Looks at each path again: reads it if it is a file, marks what was known under it missing if it is gone. */
  async apply(paths: readonly string[]): Promise<IndexedBatch> {
    const previousMaxRowId = this.state.maxEventRowId();
    const files: string[] = [];
    let bytes = 0;
    for (const path of paths) {
      const sizeBytes = fileSize(path);
      if (sizeBytes === 'gone') this.markGone(path);
      else if (sizeBytes !== null) {
        files.push(path);
        bytes += sizeBytes;
      }
    }
    this.writer.commit();
    const workers = bytes >= THREADS_MIN_BATCH_BYTES ? this.options.workers : 0;
    const summary = files.length > 0 ? await this.read(files, workers, NEVER_DEFER_INDEXES) : emptySummary();
    return { previousMaxRowId, maxRowId: this.state.maxEventRowId(), eventsNew: summary.eventsNew, catchUp: false };
  }

  /** A problem of the watcher itself (a folder it cannot watch): stored like a walk problem. */
  recordProblem(problem: Problem): void {
    this.writer.addProblem(null, problem);
    // Mid-batch, the batch's commit stores it and its walk-problem report shows it.
    if (this.reading) return;
    this.writer.commit();
    this.reportWalkProblems();
  }

  private async read(paths: readonly string[], workers: number, deferIndexesAfter: number | undefined): Promise<IndexSummary> {
    this.reading = true;
    try {
      return await indexPaths(paths, this.writer, {
        limits: this.options.limits,
        workers,
        deferIndexesAfter,
        exclude: this.options.exclude,
        shouldStop: this.options.shouldStop,
        onFile: (source) => this.reportFile(source.path),
      });
    } finally {
      this.reading = false;
      this.reportWalkProblems();
    }
  }

  private reportFile(path: string): void {
    const report = this.state.fileReport(path);
    if (!report) return;
    this.reporter.indexed(report);
    for (const problem of report.problems) this.reporter.problem(problem);
  }

  /** Walk problems have no file row to hang on, so they are found by id rather than through reportFile. */
  private reportWalkProblems(): void {
    for (const { id, problem } of this.state.walkProblemsAfter(this.lastWalkProblemId)) {
      this.reporter.problem(problem);
      this.lastWalkProblemId = id;
    }
  }

  private markGone(path: string): void {
    for (const known of this.state.presentPathsUnder(path)) {
      // A folder's deletion reaches here too; a file re-created under it since is not missing.
      if (existsOnDisk(known)) continue;
      this.writer.markMissing(known);
      this.reporter.missing(known);
    }
  }
}

/** The size of a regular file; 'gone' when nothing is there; null for a folder or other non-file. */
function fileSize(path: string): number | 'gone' | null {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : null;
  } catch (error) {
    // Any other failure (permission denied) is the walk's to report, as `index` reports it.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 0;
  }
}

/** A path, or a zip entry label `<zip>!<entry>` whose zip is still there. */
function existsOnDisk(path: string): boolean {
  for (let end = path.length; end > 0; end = path.lastIndexOf('!', end - 1)) {
    if (fileSize(path.slice(0, end)) !== 'gone') return true;
  }
  return false;
}
