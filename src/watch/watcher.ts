import { watch } from 'chokidar';
import type { Stats } from 'node:fs';
import { ExitCode, UserError, messageOf } from '../errors.js';
import type { Problem } from '../errors.js';

/**
 * How long a file's size must stay the same before it counts as complete. aws s3 sync renames a
 * finished download into place, so this only guards copiers that write in place (cp, rsync
 * --inplace). It is short because it adds to the 2 s between a file landing and its events being
 * searchable; a copier that stalls longer costs a second read, not a loss: the half-read file is
 * stored as `partial` with a problem, and its next change re-reads it and clears the problem.
 */
const STABLE_FOR_MS = 500;
/** How often a file still being written is stat'ed; a tenth of a second reads as prompt. */
const STABLE_POLL_MS = 100;

/** Where the watcher sends what it sees. */
export interface WatcherCallbacks {
  /** Paths never reported: the database's own files, partial downloads. */
  readonly ignore: (path: string) => boolean;
  /** A file was added, changed, renamed in or out, or deleted; or a folder was deleted. */
  readonly onChange: (path: string) => void;
  /** A folder that could not be watched: recorded, and the rest goes on. */
  readonly onProblem: (problem: Problem) => void;
  /** The watcher cannot go on. */
  readonly onFatal: (error: Error) => void;
}

/** A running watcher; `close` stops it. */
export interface FileWatcher {
  close(): Promise<void>;
}

/**
 * Watches folders recursively (new subfolders included) and reports files once they have stopped
 * growing. Files already present are not reported: the catch-up scan reads them. Resolves once
 * the initial scan is done, so that nothing written after that point can be missed by both.
 */
export async function startWatcher(roots: readonly string[], callbacks: WatcherCallbacks): Promise<FileWatcher> {
  const watcher = watch([...roots], {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: STABLE_FOR_MS, pollInterval: STABLE_POLL_MS },
    ignored: (path: string, stats?: Stats) => !stats?.isDirectory() && callbacks.ignore(path),
  });
  const changed = (path: string) => callbacks.onChange(path);
  watcher.on('add', changed).on('change', changed).on('unlink', changed).on('unlinkDir', changed);
  watcher.on('error', (error) => {
    const fatal = toFatalError(error);
    if (fatal) callbacks.onFatal(fatal);
    else callbacks.onProblem(toProblem(error, roots));
  });
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { close: () => watcher.close() };
}

/** Running out of inotify watches or file descriptors stops new files from being seen at all. */
function toFatalError(error: unknown): UserError | null {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code !== 'ENOSPC' && code !== 'EMFILE') return null;
  return new UserError(
    `cannot watch ${path ?? 'the given folders'}`,
    code === 'ENOSPC' ? 'the system limit on watched folders is reached' : 'too many open files',
    ExitCode.failed,
    code === 'ENOSPC'
      ? 'raise it (sudo sysctl fs.inotify.max_user_watches=524288), or watch a smaller folder'
      : 'raise it (ulimit -n), or watch a smaller folder',
  );
}

function toProblem(error: unknown, roots: readonly string[]): Problem {
  const path = (error as NodeJS.ErrnoException).path ?? roots.join(', ');
  return { path, position: null, stage: 'read', reason: `cannot watch: ${messageOf(error)}` };
}
