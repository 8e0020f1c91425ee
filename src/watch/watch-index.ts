import { dirname } from 'node:path';
import { skipReason } from '../sources/key-filter.js';
import type { KeyFilter } from '../sources/key-filter.js';
import type { ReadLimits } from '../ingest/limits.js';
import type { IndexDatabase } from '../store/db.js';
import { IndexWriter } from '../store/ingest.js';
import { BatchIndexer } from './batch-indexer.js';
import { IndexState } from '../store/index-state.js';
import type { IndexedBatch, OnIndexed } from './on-indexed.js';
import { ChangeQueue } from './queue.js';
import { RescanPlan } from './rescan-plan.js';
import type { WatchReporter } from './reporter.js';
import { startWatcher } from './watcher.js';
import type { FileWatcher } from './watcher.js';

/**
 * How long a file must go unreported, and keep its size and mtime, before it is read. aws s3 sync
 * renames a finished download into place, so this only guards copiers that write in place (cp,
 * rsync --inplace). It is short because it adds to the 2 s between a file landing and its events
 * being searchable; a copier that stalls longer costs a second read, not a loss: the half-read file
 * is stored as partial with a problem, and its next change re-reads it and clears the problem.
 */
const SETTLE_MS = 500;

/**
 * Paths per batch. A batch is one commit, so this bounds how long the first file of a burst waits
 * to become searchable: 100 small CloudTrail files take about 0.6 s to read and store here, which
 * with the settling wait keeps a landed file searchable within 2 s.
 */
const MAX_PATHS_PER_BATCH = 100;

/**
 * SQLite checkpoints on its own only once the WAL holds 256 MB (store/db.ts), a size a watch's
 * small batches take hours to reach while every reader scans the WAL; a watch also runs for weeks.
 * Checkpointing every 10 s of indexing activity keeps the WAL to a few batches.
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
  /** Files never opened, judged by their S3 key (--since/--until/--account/--region). */
  readonly keyFilter?: KeyFilter | undefined;
}

/**
 * Keeps an index current while files land: a catch-up scan, then batches of the paths the watcher
 * reports once they settle, each committed before the next, with rescans for what the watcher
 * missed, until `signal` is aborted.
 */
export async function watchAndIndex(options: WatchOptions): Promise<void> {
  const { index, signal, reporter } = options;
  const queue = new ChangeQueue(SETTLE_MS);
  const batches = new BatchIndexer(new IndexWriter(index.db), new IndexState(index.db), reporter, {
    limits: options.limits,
    workers: options.workers,
    exclude: options.exclude,
    keyFilter: options.keyFilter,
    shouldStop: () => signal.aborted,
  });
  // Started before the catch-up scan, so a file landing during the scan is seen by one or the other.
  const watcher = await startWatcher(options.roots, {
    ignore: (path) =>
      options.exclude.has(path) || (options.keyFilter !== undefined && skipReason(path, options.keyFilter) !== null),
    onChange: (path, seen) => queue.push(path, seen),
    onProblem: (problem) => batches.recordProblem(problem),
    onFatal: (error) => queue.fail(error),
  });
  try {
    notify(options, await batches.catchUp(options.roots));
    index.checkpoint();
    if (!signal.aborted) reporter.watching(options.roots);
    await indexUntilStopped(queue, batches, watcher, options);
  } finally {
    await watcher.close();
  }
}

async function indexUntilStopped(
  queue: ChangeQueue,
  batches: BatchIndexer,
  watcher: FileWatcher,
  options: WatchOptions,
): Promise<void> {
  const rescans = new RescanPlan();
  let lastCheckpointMs = Date.now();
  for (;;) {
    await queue.whenReady(options.signal, rescans.dueAtMs());
    if (options.signal.aborted) return;
    const due = queue.takeDue(MAX_PATHS_PER_BATCH);
    if (due.length > 0) {
      const { batch, unsettled } = await batches.apply(due);
      for (const { path, seen } of unsettled) queue.push(path, seen);
      notify(options, batch);
      rescans.noteActivity();
    } else if (rescans.isDue()) {
      await rescan(queue, batches, watcher, rescans, options.roots);
    }
    if (Date.now() - lastCheckpointMs >= CHECKPOINT_INTERVAL_MS) {
      options.index.checkpoint();
      lastCheckpointMs = Date.now();
    }
  }
}

/** Queues what the watcher missed, and watches again the folders it was found in. */
async function rescan(
  queue: ChangeQueue,
  batches: BatchIndexer,
  watcher: FileWatcher,
  rescans: RescanPlan,
  roots: readonly string[],
): Promise<void> {
  const startedMs = Date.now();
  const missedFolders = new Set<string>();
  const found = await batches.rescan(roots, (path, seen) => {
    const missed = queue.offer(path, seen);
    if (missed) missedFolders.add(dirname(path));
    return missed;
  });
  for (const folder of missedFolders) watcher.watchAgain(folder);
  rescans.noteRescan(Date.now() - startedMs, found);
}

/** Takes the batch already evaluated: `onIndexed?.(await work())` would skip the work when no hook is set. */
function notify(options: WatchOptions, batch: IndexedBatch): void {
  options.onIndexed?.(batch);
}
