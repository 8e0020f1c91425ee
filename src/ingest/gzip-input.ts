import { Gunzip as FflateGunzip } from 'fflate';
import { gunzipSync } from 'node:zlib';
import { INPUT_HELP, InputError, messageOf } from '../errors.js';
import { gunzipStream, gunzipTolerant } from '../decode/gunzip.js';
import type { ReadLimits } from './limits.js';

/**
 * The one place that decides how gzip data is read, whatever holds it (issue 16, item 5): a small
 * file in one call, a large one streamed by node:zlib, a file with trailing garbage again with the
 * tolerant reader, and gzip inside a zip entry by fflate's push API (zip entries arrive by callback).
 */

/** Inflating in one call holds the output in memory; past this the streaming path takes over. */
const WHOLE_INFLATE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The fast path for a file read whole; any trouble (corrupt, truncated, too large) is left to the streaming path to
 * report.
 */
export function inflateWhole(compressed: Buffer, limits: ReadLimits): Buffer | null {
  try {
    return gunzipSync(compressed, { maxOutputLength: Math.min(limits.maxDecompressedBytes, WHOLE_INFLATE_MAX_BYTES) });
  } catch {
    return null;
  }
}

/**
 * A file's bytes as decoders see them: as they are, or inflated. `tolerant` is the second reading of
 * a file that ended in garbage (node:zlib drops the output of the write that held it).
 */
export function decompressed(
  chunks: AsyncIterable<Buffer>,
  gzipped: boolean,
  tolerant: boolean,
  limits: ReadLimits,
): AsyncIterable<Buffer> {
  if (!gzipped) return chunks;
  return tolerant
    ? gunzipTolerant(chunks, limits.maxDecompressedBytes)
    : gunzipStream(chunks, limits.maxDecompressedBytes);
}

/** Gzip inside a zip entry: bytes are pushed as fflate delivers the entry, with the same output cap. */
export class PushedGunzip {
  private readonly gunzip: FflateGunzip;
  private inflatedBytes = 0;
  /** Set once the data is corrupt or over the cap; nothing more is delivered after it. */
  error: InputError | null = null;

  constructor(limits: ReadLimits, onData: (chunk: Buffer) => void) {
    this.gunzip = new FflateGunzip((data) => {
      if (this.error) return;
      this.inflatedBytes += data.length;
      if (this.inflatedBytes > limits.maxDecompressedBytes) {
        this.error = new InputError(
          'decompress',
          `gzip data in the zip entry exceeds the ${limits.maxDecompressedBytes}-byte limit (a gzip bomb?)`,
          null,
          INPUT_HELP.raiseCap,
        );
        return;
      }
      onData(Buffer.from(data.buffer, data.byteOffset, data.length));
    });
  }

  push(chunk: Buffer): void {
    if (this.error) return;
    try {
      this.gunzip.push(chunk);
    } catch (error) {
      this.error = new InputError(
        'decompress',
        `gzip data in the zip entry is corrupt (${messageOf(error)})`,
        null,
        INPUT_HELP.downloadArchiveAgain,
      );
    }
  }
}
