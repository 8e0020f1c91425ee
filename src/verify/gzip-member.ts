import { inflateRawSync } from 'node:zlib';
import { isGzip } from '../decode/gunzip.js';

/**
 * Digest and log files are small (CloudTrail delivers every ~5 minutes); hashing one in memory is
 * simplest. Past this a file cannot be a genuine delivery and is not inflated further.
 */
export const MAX_CONTENT_BYTES = 512 * 1024 ** 2;

/** The bytes a digest hashes, and what follows them in the file. */
export interface FileContent {
  readonly content: Buffer;
  /** Bytes after the first gzip member: the AWS CLI ignores them, our indexer reads them as events. */
  readonly trailingBytes: number;
}

/** Thrown when a file cannot yield the bytes CloudTrail hashed. */
export class ContentError extends Error {}

const FLAG_HCRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const TRAILER_BYTES = 8;

/**
 * The uncompressed bytes of the first gzip member, as CloudTrail's hashes cover them (CLOUDTRAIL.md
 * §4.7). node:zlib's gunzip would inflate appended members too, so the header is read here and only
 * the first deflate stream is inflated. Files that are not gzip are hashed as they are.
 */
export function readContent(bytes: Buffer): FileContent {
  if (!isGzip(bytes)) return { content: bytes, trailingBytes: 0 };
  const start = deflateStart(bytes);
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    inflated = inflateRawSync(bytes.subarray(start), {
      info: true,
      maxOutputLength: MAX_CONTENT_BYTES,
    }) as unknown as typeof inflated;
  } catch (error) {
    throw new ContentError(describeInflateError(error));
  }
  const rest = bytes.length - start - inflated.engine.bytesWritten;
  if (rest < TRAILER_BYTES) throw new ContentError('gzip data ends early: the 8-byte trailer is missing');
  return { content: inflated.buffer, trailingBytes: rest - TRAILER_BYTES };
}

/** Offset of the deflate data: RFC 1952 §2.3, a 10-byte header and the optional fields its flags announce. */
function deflateStart(bytes: Buffer): number {
  if (bytes.length < 10 || bytes[2] !== 8) throw new ContentError('not a deflate gzip file');
  const flags = bytes[3]!;
  let offset = 10;
  if (flags & FLAG_EXTRA) offset += 2 + (offset + 2 <= bytes.length ? bytes.readUInt16LE(offset) : bytes.length);
  if (flags & FLAG_NAME) offset = afterZeroByte(bytes, offset);
  if (flags & FLAG_COMMENT) offset = afterZeroByte(bytes, offset);
  if (flags & FLAG_HCRC) offset += 2;
  if (offset > bytes.length) throw new ContentError('gzip header is cut off');
  return offset;
}

/** The file name and comment fields end with a zero byte. */
function afterZeroByte(bytes: Buffer, offset: number): number {
  const zero = offset < bytes.length ? bytes.indexOf(0, offset) : -1;
  if (zero < 0) throw new ContentError('gzip header is cut off');
  return zero + 1;
}

function describeInflateError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_BUFFER_TOO_LARGE')
    return `decompresses to more than ${MAX_CONTENT_BYTES / 1024 ** 2} MiB, which no CloudTrail delivery does`;
  const message = error instanceof Error ? error.message : String(error);
  if (message === 'unexpected end of file') return 'gzip data ends early (truncated file?)';
  return `gzip data is corrupt (${message})`;
}
