import { Unzip, UnzipInflate } from 'fflate';
import type { UnzipFile } from 'fflate';
import { INPUT_HELP, InputError } from '../errors.js';

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;

export function isZip(head: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, index) => head[index] === byte);
}

export interface ZipLimits {
  /** Most entries read from one archive. */
  readonly maxEntries: number;
  /** Most decompressed bytes per entry: a zip bomb entry becomes a problem. */
  readonly maxEntryBytes: number;
  /** Most decompressed bytes over the whole archive. */
  readonly maxTotalBytes: number;
}

/** Receives one entry's data; entry names are labels only, never used as paths. */
export interface ZipEntryHandler {
  onData(chunk: Buffer): void;
  onEnd(error: InputError | null): void;
}

/**
 * Streams a .zip one entry at a time through fflate, so memory is bounded by one chunk, whatever
 * the archive holds. The local headers are read in order (no central directory), which also makes
 * overlapping-entry bombs harmless: each byte is inflated once.
 */
export async function readZipEntries(
  chunks: AsyncIterable<Buffer>,
  limits: ZipLimits,
  openEntry: (name: string, index: number) => ZipEntryHandler,
): Promise<void> {
  let entries = 0;
  let totalBytes = 0;
  let fatal: InputError | null = null;
  let openEnd: ((error: InputError | null) => void) | null = null;
  const unzip = new Unzip((file: UnzipFile) => {
    if (fatal) return;
    if (entries >= limits.maxEntries) {
      fatal = zipError(
        `the archive has more than ${limits.maxEntries} entries; the rest were not read`,
        'unzip it and index the folder instead',
        `entry ${entries}`,
      );
      return;
    }
    const handler = openEntry(file.name, entries++);
    let entryBytes = 0;
    let ended = false;
    const end = (error: InputError | null): void => {
      if (ended) return;
      ended = true;
      handler.onEnd(error);
    };
    file.ondata = (error, data, final) => {
      if (ended) return;
      if (error) return end(zipError(`zip entry is corrupt (${error.message})`, INPUT_HELP.downloadArchiveAgain));
      entryBytes += data.length;
      if (entryBytes > limits.maxEntryBytes) {
        file.terminate();
        return end(
          zipError(
            `zip entry decompresses to more than ${limits.maxEntryBytes} bytes (a zip bomb?); the rest was not read`,
            INPUT_HELP.raiseCap,
          ),
        );
      }
      totalBytes += data.length;
      if (totalBytes > limits.maxTotalBytes) {
        file.terminate();
        fatal = zipError(
          `the archive decompresses to more than ${limits.maxTotalBytes} bytes; the rest was not read`,
          INPUT_HELP.raiseCap,
        );
        return end(fatal);
      }
      handler.onData(Buffer.from(data.buffer, data.byteOffset, data.length));
      if (final) end(null);
    };
    try {
      file.start();
    } catch (error) {
      end(
        zipError(
          `zip entry cannot be read (${error instanceof Error ? error.message : String(error)})`,
          INPUT_HELP.downloadArchiveAgain,
        ),
      );
    }
    openEnd = end;
  });
  unzip.register(UnzipInflate);
  try {
    for await (const chunk of chunks) {
      unzip.push(chunk, false);
      if (fatal) throw fatal;
    }
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof InputError && error.stage !== 'decompress') throw error;
    if (error === fatal) throw error;
    fatal = zipError(
      `the archive is truncated or corrupt (${error instanceof Error ? error.message : String(error)})`,
      INPUT_HELP.downloadArchiveAgain,
    );
  }
  // An entry still open here was cut off by the end of the archive; ending twice is a no-op.
  (openEnd as ((error: InputError | null) => void) | null)?.(
    zipError('the archive ends inside this entry (truncated?)', INPUT_HELP.downloadArchiveAgain),
  );
  if (fatal) throw fatal;
}

/** A fault of the archive itself, found while inflating it; `help` says what to do about it. */
function zipError(reason: string, help: string, position: string | null = null): InputError {
  return new InputError('decompress', reason, position, help);
}
