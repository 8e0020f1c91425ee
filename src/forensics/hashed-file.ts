import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/** A new file written in order, whose SHA-256 is computed over exactly the bytes written. */
export interface HashedFile {
  readonly path: string;
  write(data: string | Buffer): void;
  /** Flushes and closes; the digest and size of everything written. */
  finish(): { readonly sha256: string; readonly sizeBytes: number };
  /** Closes without caring about the content (after a failure). */
  abandon(): void;
}

/** Writes are gathered up to this size: one system call per MiB instead of one per line. */
const FLUSH_BYTES = 1 << 20;

/** Creates `path`, failing if it exists ('wx'): evidence is never written over. */
export function createHashedFile(path: string): HashedFile {
  const fd = openSync(path, 'wx');
  const hash = createHash('sha256');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let sizeBytes = 0;
  let open = true;
  const flush = () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending, pendingBytes);
    // A regular file may still take less than asked (a full disk reports that on the next call).
    for (let written = 0; written < chunk.length;) written += writeSync(fd, chunk, written);
    hash.update(chunk);
    sizeBytes += chunk.length;
    pending = [];
    pendingBytes = 0;
  };
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  return {
    path,
    write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= FLUSH_BYTES) flush();
    },
    finish() {
      flush();
      close();
      return { sha256: hash.digest('hex'), sizeBytes };
    },
    abandon: close,
  };
}
