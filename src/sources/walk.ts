import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Problem } from '../errors.js';
import { messageOf } from '../errors.js';

/** What the path alone says about a file; content has the last word (CLOUDTRAIL.md §1). */
export type PathHint = 'log' | 'digest' | 'insight' | 'unknown';

/** A file to read, found on disk. */
export interface SourceFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly hint: PathHint;
}

export interface WalkCallbacks {
  readonly onProblem: (problem: Problem) => void;
  /** Absolute paths never to read, such as the index itself when it sits inside the archive. */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Walks files and folders recursively, in name order so runs are repeatable. Symlinked folders are
 * followed once each (by real path), so a symlink loop ends instead of recursing forever. The file
 * system calls are synchronous on purpose: an async stat per file made the walk, not the decoding,
 * the pace of indexing (measured on the grycap corpus: 0.4 ms per file spent waiting).
 */
export async function* walkSources(paths: readonly string[], callbacks: WalkCallbacks): AsyncGenerator<SourceFile> {
  const visitedDirs = new Set<string>();
  for (const path of paths) yield* walkPath(resolve(path), visitedDirs, callbacks);
}

async function* walkPath(path: string, visitedDirs: Set<string>, callbacks: WalkCallbacks): AsyncGenerator<SourceFile> {
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    callbacks.onProblem({ path, position: null, stage: 'read', reason: describeStatError(error) });
    return;
  }
  if (info.isFile()) {
    if (callbacks.exclude?.has(path)) return;
    yield { path, sizeBytes: info.size, mtimeMs: Math.floor(info.mtimeMs), hint: pathHint(path) };
  } else if (info.isDirectory()) {
    yield* walkDirectory(path, visitedDirs, callbacks);
  } else {
    callbacks.onProblem({ path, position: null, stage: 'read', reason: 'not a regular file or folder' });
  }
}

async function* walkDirectory(
  path: string,
  visitedDirs: Set<string>,
  callbacks: WalkCallbacks,
): AsyncGenerator<SourceFile> {
  const real = realPathOf(path);
  if (visitedDirs.has(real)) return;
  visitedDirs.add(real);
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (error) {
    callbacks.onProblem({
      path,
      position: null,
      stage: 'read',
      reason: `cannot list folder: ${describeStatError(error)}`,
    });
    return;
  }
  for (const name of names) yield* walkPath(join(path, name), visitedDirs, callbacks);
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // listing it next reports the reason
  }
}

/** Anchored on the S3 layout's folder names, wherever the prefix before AWSLogs/ puts them. */
export function pathHint(path: string): PathHint {
  const parts = path.split(sep);
  if (parts.includes('CloudTrail-Digest')) return 'digest';
  if (parts.includes('CloudTrail-Insight')) return 'insight';
  if (parts.includes('CloudTrail')) return 'log';
  return 'unknown';
}

function describeStatError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return messageOf(error);
}
