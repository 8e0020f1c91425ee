import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Gunzip as FflateGunzip } from 'fflate';
import { INPUT_HELP, InputError } from '../errors.js';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** Errors node:zlib raises when bytes after a complete member are not another member. */
const TRAILING_DATA_ERRORS = new Set(['incorrect header check', 'unknown compression method', 'invalid block type']);

/**
 * Thrown when node:zlib stops at bytes after a member: it drops the output of the write that held
 * them, so the caller re-reads the file with `gunzipTolerant`, which delivers every byte before.
 */
export class TrailingDataError extends InputError {
  constructor(reason: string) {
    super('decompress', reason);
  }
}

/**
 * Streams gunzipped bytes with node:zlib (about 2.5x faster than fflate here), reading every member
 * of a multi-member file. Output beyond `maxBytes` stops the file: a gzip bomb costs bounded time
 * and memory and becomes a recorded problem.
 */
export async function* gunzipStream(compressed: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  const gunzip = Readable.from(compressed).pipe(createGunzip({ chunkSize: 256 * 1024 }));
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw capExceeded(maxBytes);
      yield chunk;
    }
  } catch (error) {
    throw toDecompressError(error, total);
  } finally {
    gunzip.destroy();
  }
}

/** The slower path for a file with trailing garbage: every byte before the garbage is delivered. */
export async function* gunzipTolerant(compressed: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  const ready: Buffer[] = [];
  let total = 0;
  const gunzip = new FflateGunzip((data) => {
    total += data.length;
    ready.push(Buffer.from(data.buffer, data.byteOffset, data.length));
  });
  let trailingError: string | null = null;
  for await (const chunk of compressed) {
    try {
      if (trailingError === null) gunzip.push(chunk);
    } catch (error) {
      trailingError = error instanceof Error ? error.message : String(error);
    }
    if (total > maxBytes) throw capExceeded(maxBytes);
    yield* ready.splice(0);
  }
  yield* ready.splice(0);
  if (trailingError !== null) {
    const reason =
      total === 0
        ? `gzip data is corrupt (${trailingError})`
        : `gzip data is corrupt or followed by bytes that are not gzip (${trailingError}); ` +
          `the ${total} bytes before were read`;
    throw new InputError('decompress', reason, `after ${total} decompressed bytes`, INPUT_HELP.downloadAgain);
  }
}

function capExceeded(maxBytes: number): InputError {
  return new InputError(
    'decompress',
    `decompressed data exceeds the ${maxBytes}-byte limit (a gzip bomb?); the rest of the file was not read`,
    null,
    INPUT_HELP.raiseCap,
  );
}

function toDecompressError(error: unknown, total: number): unknown {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const position = `after ${total} decompressed bytes`;
  if (TRAILING_DATA_ERRORS.has(message)) return new TrailingDataError(message);
  if (message === 'unexpected end of file')
    return new InputError('decompress', 'gzip data ends early (truncated file?)', position, INPUT_HELP.downloadAgain);
  return new InputError('decompress', `gzip data is corrupt (${message})`, position, INPUT_HELP.downloadAgain);
}
