import { createReadStream } from 'node:fs';
import type { Hash } from 'node:crypto';
import { InputError, messageOf } from '../errors.js';

/** Large reads keep syscalls and stream overhead small; a CloudTrail file is mostly under 1 MB. */
const READ_CHUNK_BYTES = 256 * 1024;

/** Streams a file's bytes, feeding each chunk to `hash` first, so the digest covers exactly what was read. */
export async function* readFileChunks(path: string, hash: Hash): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      yield chunk;
    }
  } catch (error) {
    throw new InputError('read', describeReadError(error));
  } finally {
    stream.destroy();
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file disappeared while it was being read';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return messageOf(error);
}
