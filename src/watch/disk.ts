import { statSync } from 'node:fs';
import type { FileLook } from './queue.js';

/**
 * What is at a path now. 'unreadable' (permission denied, say) is left for the indexer's walk to
 * report as a problem, the way `index` reports it.
 */
export function lookAt(path: string): FileLook | 'gone' | 'not-a-file' | 'unreadable' {
  try {
    const info = statSync(path);
    // Floored like the walk's mtime, so looks from both compare equal.
    return info.isFile() ? { sizeBytes: info.size, mtimeMs: Math.floor(info.mtimeMs) } : 'not-a-file';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
}

export function sameLook(before: FileLook | null, now: FileLook): boolean {
  return before !== null && before.sizeBytes === now.sizeBytes && before.mtimeMs === now.mtimeMs;
}

/** A path, or a zip entry label `<zip>!<entry>` whose zip is still there. */
export function existsOnDisk(path: string): boolean {
  for (let end = path.length; end > 0; end = path.lastIndexOf('!', end - 1)) {
    if (lookAt(path.slice(0, end)) !== 'gone') return true;
  }
  return false;
}
