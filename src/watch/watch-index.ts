import type { ReadLimits } from '../index-file.js';
import type { IndexDatabase } from '../store/db.js';
import { IndexWriter } from '../store/ingest.js';
import { BatchIndexer } from './batch-indexer.js';
import { IndexState } from './index-state.js';
import type { OnIndexed } from './on-indexed.js';
import { ChangeQueue } from './queue.js';
import type { WatchReporter } from './reporter.js';
import { startWatcher } from './watcher.js';

/**
 * Paths per batch. A batch is one commit, so this bounds how long the first file of a burst waits
 * to become searchable: 100 small CloudTrail files take about 0.6 s to read and store here, which
 * with the 0.5 s write-settling wait keeps a landed file searchable within 2 s.
 */
const MAX_PATHS_PER_BATCH = 100;

/**
 * The writer turns automatic checkpoints off (store/db.ts) and checkpoints when it closes; a watch
 * may run for weeks, so it checkpoints itself, or the WAL, which every reader scans, would grow
 * without bound. Every 10 s of indexing activity keeps it to a few batches.
 */
const CHECKPOINT_INTERVAL_MS = 10_000;

/** What `watchAndIndex` needs: the opened index, what to watch, and where to report. */
export interface WatchOptions {
  /** Absolute paths of the folders (or files) to watch. */
  readonly roots: readonly string[];
  readonly index: IndexDatabase;
  readonly limits: ReadLimits;
  readonly workers: number;
  /** Never read: the database's files and partial downloads (see partial-download.ts). */
  readonly exclude: ReadonlySet<string>;
  readonly reporter: WatchReporter;
  /** Aborted on SIGINT or SIGTERM: the running batch commits what it has read, then the watch ends. */
  readonly signal: AbortSignal;
  /** The alert extension point (on-indexed.ts). */
  readonly onIndexed?: OnIndexed;
}

/**
 * Keeps an index current while files land: a catch-up scan, then batches of the paths the watcher
 * reports, each committed before the next, until `signal` is aborted.
 */
export async function watchAndIndex(options: WatchOptions): Promise<void> {
  const { index, signal, reporter } = options;
  const queue = new ChangeQueue();
  const batches = new BatchIndexer(new IndexWriter(index.db), new IndexState(index.db), reporter, {
    limits: options.limits,
    workers: options.workers,
    exclude: options.exclude,
    shouldStop: () => signal.aborted,
  });
  // Started before the catch-up scan, so a file landing during the scan is seen by one or the other.
  const watcher = await startWatcher(options.roots, {
    ignore: (path) => options.exclude.has(path),
    onChange: (path) => queue.push(path),
    onProblem: (problem) => batches.recordProblem(problem),
    onFatal: (error) => queue.fail(error),
  });
  try {
    const caughtUp = await batches.catchUp(options.roots);
    options.onIndexed?.(caughtUp);
    index.checkpoint();
    if (!signal.aborted) reporter.watching(options.roots);
    await indexUntilStopped(queue, batches, options);
  } finally {
    await watcher.close();
  }
}

async function indexUntilStopped(queue: ChangeQueue, batches: BatchIndexer, options: WatchOptions): Promise<void> {
  let lastCheckpointMs = Date.now();
  for (;;) {
    await queue.whenReady(options.signal);
    if (options.signal.aborted) return;
    // Not `onIndexed?.(await …)`: optional chaining would skip the batch itself when no hook is set.
    const batch = await batches.apply(queue.take(MAX_PATHS_PER_BATCH));
    options.onIndexed?.(batch);
    if (Date.now() - lastCheckpointMs >= CHECKPOINT_INTERVAL_MS) {
      options.index.checkpoint();
      lastCheckpointMs = Date.now();
    }
  }
}
