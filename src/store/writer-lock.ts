import {
  closeSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Proof that this process is the one writer of a database. */
export interface WriterLock {
  release(): void;
}

/**
 * SQLite would serialise two writers, but two indexers interleaving transactions on one case file
 * is never intended: the second gets a clear error naming the first (issue 5). A lock left by a
 * process that no longer runs (kill -9) is taken over.
 */
export function acquireWriterLock(databasePath: string): WriterLock {
  const lockPath = lockPathOf(databasePath);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => removeQuietly(lockPath) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder !== null && holder !== process.pid && isRunning(holder)) {
        throw new UserError({
          what: `cannot write to ${databasePath}`,
          reason: `it is already being indexed by PID ${holder}`,
          help: 'wait for that process, or search the database read-only meanwhile',
        });
      }
      removeQuietly(lockPath);
    }
  }
  throw new UserError({
    what: `cannot write to ${databasePath}`,
    reason: `could not create the lock file ${lockPath}`,
    help: 'check that you may write to the folder of --db, or give --db a file in a writable folder',
  });
}

/**
 * Whether an `index` or `watch` process is writing the database now: one holds its lock and still
 * runs. A lock left by a process that has gone does not count.
 */
export function isWriterRunning(databasePath: string): boolean {
  const holder = readHolder(lockPathOf(databasePath));
  return holder !== null && isRunning(holder);
}

/**
 * The lock sits beside the database file itself, however its path is spelled: a symlink, `./x.db`
 * or a relative path from another folder must find the same lock, or a second writer starts (issue 13).
 */
export function lockPathOf(databasePath: string): string {
  return `${realDatabasePath(databasePath)}.lock`;
}

/** The database's real path; for a file not created yet, its real folder, following dangling symlinks. */
export function realDatabasePath(databasePath: string): string {
  let path = resolve(databasePath);
  // Bounded like the kernel's own limit on symlink chains (40), so a loop ends.
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(path);
    } catch {
      // missing, or a dangling symlink: resolve what exists
    }
    let link: string | null = null;
    try {
      if (lstatSync(path).isSymbolicLink()) link = readlinkSync(path);
    } catch {
      // the file does not exist (yet): its folder decides
    }
    if (link === null) return join(realFolder(dirname(path)), basename(path));
    path = resolve(dirname(path), link);
  }
  return path;
}

function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder; // a missing folder: opening the database will say so
  }
}

function readHolder(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // no lock, or it vanished between open and read
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone: the lock is released either way
  }
}
