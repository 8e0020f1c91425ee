import { createHash } from 'node:crypto';
import { InputError, messageOf } from '../errors.js';
import { isGzip } from '../decode/gunzip.js';
import { readZipEntries } from '../sources/zip.js';
import type { FileSink, FileStatus } from '../store/ingest.js';
import { FileDecoder } from './file-decoder.js';
import type { OpenFileSink, ReadLimits } from './limits.js';
import { PushedGunzip } from './gzip-input.js';
import type { ChunksOf } from './file-bytes.js';

/**
 * The zip container: each entry is read as a file of its own, labelled `<zip>!<entry>`; the zip itself is an archive.
 */
export async function indexZip(
  zipPath: string,
  mtimeMs: number,
  chunksOf: ChunksOf,
  limits: ReadLimits,
  zipSink: FileSink,
  openSink: OpenFileSink,
): Promise<void> {
  const zipHash = createHash('sha256');
  const labels = new Set<string>();
  let entriesRead = 0;
  let status: FileStatus = 'done';
  const openEntry = (name: string, index: number) => {
    entriesRead++;
    const label = uniqueLabel(`${zipPath}!${name}`, labels, index);
    if (label !== `${zipPath}!${name}`) {
      zipSink.problem({
        path: zipPath,
        position: `entry ${index}`,
        stage: 'read',
        reason: `duplicate entry name ${JSON.stringify(name)}; read as ${label}`,
      });
    }
    return new ZipEntryReader(label, limits, openSink({ path: label, sizeBytes: null, mtimeMs }));
  };
  try {
    await readZipEntries(
      chunksOf(zipHash),
      {
        maxEntries: limits.maxZipEntries,
        maxEntryBytes: limits.maxDecompressedBytes,
        maxTotalBytes: limits.maxDecompressedBytes * 4,
      },
      openEntry,
    );
  } catch (error) {
    const fatal = error instanceof InputError ? error : new InputError('decompress', messageOf(error));
    zipSink.problem({
      path: zipPath,
      position: fatal.position,
      stage: fatal.stage,
      reason: fatal.reason,
      help: fatal.help,
    });
    status = entriesRead > 0 ? 'partial' : 'failed';
  }
  zipSink.finish({
    sha256: zipHash.digest('hex'),
    contentSha256: null,
    kind: 'archive',
    format: 'zip',
    eventsRead: 0,
    status,
  });
}

function uniqueLabel(label: string, used: Set<string>, index: number): string {
  const unique = used.has(label) ? `${label}#${index}` : label;
  used.add(unique);
  return unique;
}

/** One zip entry: optionally gzipped inside the zip, decoded as it streams. */
class ZipEntryReader {
  private readonly decoder: FileDecoder;
  private readonly entryHash = createHash('sha256');
  private gunzip: PushedGunzip | null = null;
  private sniffed = false;

  constructor(
    label: string,
    private readonly limits: ReadLimits,
    private readonly sink: FileSink,
  ) {
    this.decoder = new FileDecoder(label, 'unknown', limits, sink);
  }

  onData(chunk: Buffer): void {
    this.entryHash.update(chunk);
    if (this.decoder.fatal) return;
    if (!this.sniffed) {
      this.sniffed = true;
      if (isGzip(chunk)) this.gunzip = new PushedGunzip(this.limits, (data) => this.decoder.pushSafely(data));
    }
    if (this.gunzip === null) return this.decoder.pushSafely(chunk);
    this.gunzip.push(chunk);
    this.decoder.fatal ??= this.gunzip.error;
  }

  onEnd(error: InputError | null): void {
    const outcome = this.decoder.endPushed(error ?? this.decoder.fatal);
    this.sink.finish({ ...outcome, sha256: this.entryHash.digest('hex') });
  }
}
