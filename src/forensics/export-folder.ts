import { mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { ExitCode, UserError, messageOf } from '../errors.js';
import type { HashedFile } from './hashed-file.js';

/**
 * Creates the folder, or checks that it is empty: an export is evidence, never mixed with other
 * files or written over. True when the folder was created here.
 */
export function prepareExportDir(dir: string): boolean {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw refuse(dir, 'it is a file, not a folder');
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(dir, error);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (mkdirError) {
      throw cannotWrite(dir, mkdirError);
    }
    return true;
  }
  if (entries.length > 0)
    throw refuse(dir, `the folder is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'})`);
  return false;
}

/** Best effort: the error being reported matters more than a file that could not be removed. */
export function removePartialExport(dir: string, opened: readonly HashedFile[], createdDir: boolean): void {
  for (const file of opened) {
    file.abandon();
    rmSync(file.path, { force: true });
  }
  if (createdDir) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty (someone else wrote there) or already gone: either way it is not ours to remove.
    }
  }
}

function refuse(dir: string, reason: string): UserError {
  return new UserError({
    what: `will not export into ${dir}`,
    reason: reason,
    help: 'give --out a new or empty folder',
    exitCode: ExitCode.usage,
  });
}

export function cannotWrite(path: string, error: unknown): UserError {
  return new UserError({
    what: `cannot write ${path}`,
    reason: messageOf(error),
    help: 'check the folder exists and is writable, and that the disk has space',
  });
}
