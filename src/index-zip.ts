import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Gunzip as FflateGunzip } from 'fflate';
import { InputError, messageOf } from './errors.js';
import { isGzip } from './decode/gunzip.js';
import { readZipEntries } from './sources/zip.js';
import type { FileSink, FileStatus } from './store/ingest.js';
import { FileDecoder } from './file-decoder.js';
import type { OpenFileSink, ReadLimits } from './index-file.js';

/** Each entry is read as a file of its own, labelled `<zip>!<entry>`; the zip itself is an archive. */
export async function indexZip(
  zipPath: string,
  mtimeMs: number,
  chunksOf: (hash: Hash) => AsyncIterable<Buffer>,
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
      zipSink.problem({ path: zipPath, position: `entry ${index}`, stage: 'read', reason: `duplicate entry name ${JSON.stringify(name)}; read as ${label}` });
    }
    return new ZipEntryReader(label, limits, openSink({ path: label, sizeBytes: null, mtimeMs }));
  };
  try {
    await readZipEntries(chunksOf(zipHash), {
      maxEntries: limits.maxZipEntries,
      maxEntryBytes: limits.maxDecompressedBytes,
      maxTotalBytes: limits.maxDecompressedBytes * 4,
    }, openEntry);
  } catch (error) {
    const fatal = error instanceof InputError ? error : new InputError('decompress', messageOf(error));
    zipSink.problem({ path: zipPath, position: fatal.position, stage: fatal.stage, reason: fatal.reason });
    status = entriesRead > 0 ? 'partial' : 'failed';
  }
  zipSink.finish({ sha256: zipHash.digest('hex'), contentSha256: null, kind: 'archive', format: 'zip', eventsRead: 0, status });
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
  private gunzip: FflateGunzip | null = null;
  private sniffed = false;
  private inflatedBytes = 0;

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
      if (isGzip(chunk)) this.gunzip = new FflateGunzip((data) => this.onInflated(data));
    }
    if (this.gunzip === null) return this.decoder.pushSafely(chunk);
    try {
      this.gunzip.push(chunk);
    } catch (error) {
      this.decoder.fatal ??= new InputError('decompress', `gzip data in the zip entry is corrupt (${messageOf(error)})`);
    }
  }

  onEnd(error: InputError | null): void {
    const outcome = this.decoder.endPushed(error ?? this.decoder.fatal);
    this.sink.finish({ ...outcome, sha256: this.entryHash.digest('hex') });
  }

  private onInflated(data: Uint8Array): void {
    this.inflatedBytes += data.length;
    if (this.inflatedBytes > this.limits.maxDecompressedBytes) {
      this.decoder.fatal ??= new InputError('decompress', `gzip data in the zip entry exceeds the ${this.limits.maxDecompressedBytes}-byte limit (a gzip bomb?)`);
      return;
    }
    this.decoder.pushSafely(Buffer.from(data.buffer, data.byteOffset, data.length));
  }
}
