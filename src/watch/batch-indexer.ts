import type { Problem } from '../errors.js';
import { skipReason } from '../sources/key-filter.js';
import type { KeyFilter } from '../sources/key-filter.js';
import type { ReadLimits } from '../ingest/limits.js';
import { emptySummary, indexPaths, isUnchanged } from '../ingest/indexer.js';
import type { IndexSummary } from '../ingest/indexer.js';
import { walkSources } from '../sources/walk.js';
import type { IndexWriter } from '../store/ingest.js';
import { existsOnDisk, lookAt, sameLook } from './disk.js';
import type { IndexState } from '../store/index-state.js';
import type { IndexedBatch } from './on-indexed.js';
import type { DuePath, FileLook } from './queue.js';
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

/**
 * A rescan's walk is synchronous per file; letting the event loop turn this often keeps signals and reports flowing.
 */
const RESCAN_FILES_PER_TURN = 1_000;

export interface BatchIndexerOptions {
  readonly limits: ReadLimits;
  readonly workers: number;
  readonly exclude: ReadonlySet<string>;
  readonly shouldStop: () => boolean;
  readonly keyFilter?: KeyFilter | undefined;
}

/** What `apply` did, and the paths that were still changing, to be queued again. */
export interface AppliedBatch {
  readonly batch: IndexedBatch;
  readonly unsettled: readonly { readonly path: string; readonly seen: FileLook }[];
}

/**
 * Turns paths into committed index changes, always reading through `indexPaths`, the same code path
 * as `index`: files still present are read (unchanged ones are skipped by size and mtime), files
 * gone are marked missing and keep their events.
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

  /**
   * Reads everything under the roots as `index` would, then marks files deleted while no watch ran.
   * A file still being written at this moment is read in part (stored as partial, or with fewer
   * events) and read again in full when the watcher reports its next change.
   */
  async catchUp(roots: readonly string[]): Promise<IndexedBatch> {
    const previousMaxRowId = this.state.maxEventRowId();
    const summary = await this.read(roots, this.options.workers, undefined);
    this.markGoneUnder(roots);
    return { previousMaxRowId, maxRowId: this.state.maxEventRowId(), eventsNew: summary.eventsNew, catchUp: true };
  }

  /**
   * Looks at each path again: a file that kept its size and mtime since it was queued is read, one
   * that changed is handed back to wait again, and what is gone is marked missing.
   */
  async apply(due: readonly DuePath[]): Promise<AppliedBatch> {
    const previousMaxRowId = this.state.maxEventRowId();
    const files: string[] = [];
    const unsettled: { path: string; seen: FileLook }[] = [];
    const gone: string[] = [];
    let bytes = 0;
    for (const { path, seen } of due) {
      const look = lookAt(path);
      if (look === 'gone') gone.push(...this.markGone(path));
      else if (look === 'unreadable') files.push(path);
      else if (look === 'not-a-file') continue;
      else if (!sameLook(seen, look)) unsettled.push({ path, seen: look });
      else {
        files.push(path);
        bytes += look.sizeBytes;
      }
    }
    this.writer.commit();
    this.reportMissing(gone);
    const workers = bytes >= THREADS_MIN_BATCH_BYTES ? this.options.workers : 0;
    const summary = files.length > 0 ? await this.read(files, workers, NEVER_DEFER_INDEXES) : emptySummary();
    return {
      batch: { previousMaxRowId, maxRowId: this.state.maxEventRowId(), eventsNew: summary.eventsNew, catchUp: false },
      unsettled,
    };
  }

  /**
   * Looks for what the watcher did not report: new or changed files are offered for reading (they
   * wait to settle like any report), files gone are marked missing. Returns how many offers were
   * taken (`offer` returns false for a path already waiting its turn).
   */
  async rescan(roots: readonly string[], offer: (path: string, seen: FileLook) => boolean): Promise<number> {
    let offered = 0;
    let walked = 0;
    // The catch-up scan stored the walk's problems (an unlistable folder); a rescan would repeat them every time.
    for await (const source of walkSources(roots, { onProblem: () => undefined, exclude: this.options.exclude })) {
      if (this.options.shouldStop()) return offered;
      const skipped = this.options.keyFilter !== undefined && skipReason(source.path, this.options.keyFilter) !== null;
      if (
        !skipped &&
        !isUnchanged(this.writer, source) &&
        offer(source.path, { sizeBytes: source.sizeBytes, mtimeMs: source.mtimeMs })
      )
        offered++;
      if (++walked % RESCAN_FILES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.markGoneUnder(roots);
    return offered;
  }

  /** A problem of the watcher itself (a folder it cannot watch): stored like a walk problem. */
  recordProblem(problem: Problem): void {
    this.writer.addProblem(null, problem);
    // Mid-batch, the batch's commit stores it and its walk-problem report shows it.
    if (this.reading) return;
    this.writer.commit();
    this.reportWalkProblems();
  }

  private async read(
    paths: readonly string[],
    workers: number,
    deferIndexesAfter: number | undefined,
  ): Promise<IndexSummary> {
    this.reading = true;
    try {
      return await indexPaths(paths, this.writer, {
        limits: this.options.limits,
        workers,
        deferIndexesAfter,
        exclude: this.options.exclude,
        keyFilter: this.options.keyFilter,
        shouldStop: this.options.shouldStop,
        onFile: (source) => this.reportFile(source.path),
      });
    } finally {
      this.reading = false;
      this.reportWalkProblems();
    }
  }

  /** The line is printed once the file is committed: a script acting on it must find its events. */
  private reportFile(path: string): void {
    const report = this.state.fileReport(path);
    if (!report) return;
    this.writer.whenCommitted(() => {
      this.reporter.indexed(report);
      for (const problem of report.problems) this.reporter.problem(this.withHelp(problem));
    });
  }

  /** Walk problems have no file row to hang on, so they are found by id rather than through reportFile. */
  private reportWalkProblems(): void {
    for (const { id, problem } of this.state.walkProblemsAfter(this.lastWalkProblemId)) {
      this.reporter.problem(this.withHelp(problem));
      this.lastWalkProblemId = id;
    }
  }

  /** A problem read back from the table, with the help it was stored with (not a column: see IndexWriter.helpFor). */
  private withHelp(problem: Problem): Problem {
    const help = this.writer.helpFor(problem);
    return help === undefined ? problem : { ...problem, help };
  }

  /** Stats every known file under the roots, so it is skipped when stopping: the next start does it. */
  private markGoneUnder(roots: readonly string[]): void {
    if (this.options.shouldStop()) return;
    const gone = roots.flatMap((root) => this.markGone(root));
    this.writer.commit();
    this.reportMissing(gone);
  }

  /** Marks, without committing, the known files gone at or under `path`; returns them. */
  private markGone(path: string): string[] {
    // A folder's deletion reaches here too; a file re-created under it since is not missing.
    const gone = this.state.presentPathsUnder(path).filter((known) => !existsOnDisk(known));
    for (const known of gone) this.writer.markMissing(known);
    return gone;
  }

  private reportMissing(paths: readonly string[]): void {
    for (const path of paths) this.reporter.missing(path);
  }
}
