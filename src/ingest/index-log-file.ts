import { createHash } from 'node:crypto';
import { isGzip, TrailingDataError } from '../decode/gunzip.js';
import type { SourceFile } from '../sources/walk.js';
import type { FileSink } from '../store/ingest.js';
import { FileDecoder } from './file-decoder.js';
import { decompressed, inflateWhole } from './gzip-input.js';
import type { ReadLimits } from './limits.js';
import { inSlices } from './file-bytes.js';
import type { FileBytes } from './file-bytes.js';

/** The log-file container: one file of JSON, gzipped or not, decoded as it is read. */
export async function indexLogFile(
  source: SourceFile,
  bytes: FileBytes,
  limits: ReadLimits,
  sink: FileSink,
): Promise<void> {
  const { head, whole, chunksOf } = bytes;
  const gzipped = head !== null && isGzip(head);
  const inflated = whole && gzipped ? inflateWhole(whole, limits) : null;
  const fileHash = createHash('sha256');
  const decoder = new FileDecoder(source.path, source.hint, limits, sink);
  const input = inflated ? inSlices(inflated, null) : decompressed(chunksOf(fileHash), gzipped, false, limits);
  const outcome = await decoder.run(input);
  if (inflated) fileHash.update(whole!);
  if (!(decoder.fatal instanceof TrailingDataError)) {
    sink.finish({ ...outcome, sha256: fileHash.digest('hex') });
    return;
  }
  // Events of the first pass are already stored; the store ignores them the second time.
  const retryHash = createHash('sha256');
  const retry = new FileDecoder(source.path, source.hint, limits, sink);
  const retried = await retry.run(decompressed(chunksOf(retryHash), gzipped, true, limits));
  sink.finish({ ...retried, sha256: retryHash.digest('hex') });
}
