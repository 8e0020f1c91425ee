import { watch } from 'chokidar';
import type { Stats } from 'node:fs';
import { UserError, messageOf } from '../errors.js';
import type { Problem } from '../errors.js';
import type { FileLook } from './queue.js';

/** Where the watcher sends what it sees. */
export interface WatcherCallbacks {
  /** Paths never reported: the database's own files, partial downloads. */
  readonly ignore: (path: string) => boolean;
  /** A file was added, changed, renamed in or out, or deleted (`seen` null); or a folder was deleted. */
  readonly onChange: (path: string, seen: FileLook | null) => void;
  /** A folder that could not be watched: recorded, and the rest goes on. */
  readonly onProblem: (problem: Problem) => void;
  /** The watcher cannot go on. */
  readonly onFatal: (error: Error) => void;
}

/** A running watcher. */
export interface FileWatcher {
  /** Watches a folder again: one where a rescan found files the watcher never reported. */
  watchAgain(folder: string): void;
  close(): Promise<void>;
}

/**
 * Watches folders recursively, new subfolders included, and reports every change at once. Waiting
 * for a file to settle is the queue's job rather than chokidar's (awaitWriteFinish): files found by
 * a rescan, which chokidar never reported, must wait the same way, and one rule keeps them alike.
 * Files already present are not reported: the catch-up scan reads them. Resolves once the initial
 * scan is done, so that nothing written after that point can be missed by both.
 *
 * chokidar 5 can miss a folder created in a burst, and with it every file later written there (2 of
 * 14 runs writing 1,000 files into 20 new folders lost whole folders); rescans find those files.
 */
export async function startWatcher(roots: readonly string[], callbacks: WatcherCallbacks): Promise<FileWatcher> {
  const watcher = watch([...roots], {
    ignoreInitial: true,
    alwaysStat: true,
    ignored: (path: string, stats?: Stats) => !stats?.isDirectory() && callbacks.ignore(path),
  });
  const written = (path: string, stats?: Stats) =>
    callbacks.onChange(path, stats ? { sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs) } : null);
  const gone = (path: string) => callbacks.onChange(path, null);
  watcher.on('add', written).on('change', written).on('unlink', gone).on('unlinkDir', gone);
  watcher.on('error', (error) => {
    const fatal = toFatalError(error);
    if (fatal) callbacks.onFatal(fatal);
    else callbacks.onProblem(toProblem(error, roots));
  });
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { watchAgain: (folder) => void watcher.add(folder), close: () => watcher.close() };
}

/** Running out of inotify watches or file descriptors stops new files from being seen at all. */
function toFatalError(error: unknown): UserError | null {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code !== 'ENOSPC' && code !== 'EMFILE') return null;
  return new UserError({
    what: `cannot watch ${path ?? 'the given folders'}`,
    reason: code === 'ENOSPC' ? 'the system limit on watched folders is reached' : 'too many open files',
    help:
      code === 'ENOSPC'
        ? 'raise it (sudo sysctl fs.inotify.max_user_watches=524288), or watch a smaller folder'
        : 'raise it (ulimit -n), or watch a smaller folder',
  });
}

function toProblem(error: unknown, roots: readonly string[]): Problem {
  const path = (error as NodeJS.ErrnoException).path ?? roots.join(', ');
  return { path, position: null, stage: 'read', reason: `cannot watch: ${messageOf(error)}` };
}
