import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { messageOf } from '../errors.js';
import { ContentError, readContent } from './gzip-member.js';
import { chainIdOf, keyTail, parseDigestName } from './s3-keys.js';
import type { DigestName } from './s3-keys.js';

/** One `logFiles[]` entry of a digest. */
export interface LogListing {
  readonly s3Object: string;
  readonly tail: string | null;
  readonly hashValue: string;
  readonly hashAlgorithm: string | null;
}

/** The digest fields verification uses, as decoded JSON values (CLOUDTRAIL.md §4). */
export interface DigestFields {
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly digestS3Bucket: string;
  readonly digestS3Object: string;
  readonly fingerprint: string;
  readonly previousDigestS3Object: string | null;
  readonly previousDigestHashValue: string | null;
  readonly previousDigestHashAlgorithm: string | null;
  readonly previousDigestSignature: string | null;
  readonly logFiles: readonly LogListing[];
}

/** A digest file found on disk: where it is, what its name says, and what it holds. */
export interface DigestFile {
  readonly path: string;
  readonly tail: string;
  readonly name: DigestName | null;
  readonly chainId: string;
  /** Sorts the chain: the name's time, else the content's end time. */
  readonly stampMs: number;
  /** Hex SHA-256 of the uncompressed bytes, what the successor pins; null when they cannot be read. */
  readonly sha256: string | null;
  readonly fields: DigestFields | null;
  /** Why the file is not a well-formed CloudTrail digest; null when it is. */
  readonly problem: string | null;
}

/**
 * Reads one digest. Not `normalize/digest.ts`: the index keeps a lenient summary, while the format
 * check needs to tell an absent field from a null one and needs every `logFiles[]` entry.
 */
export function readDigestFile(path: string, tail: string): DigestFile {
  const name = parseDigestName(basename(path));
  // The folder above the account is part of the chain's identity: two copies are two chains.
  const base = { path, tail, name, chainId: `${path.slice(0, path.length - tail.length)}|${chainIdOf(tail, name)}` };
  let content: Buffer;
  let trailing = 0;
  try {
    ({ content, trailingBytes: trailing } = readContent(readFileSync(path)));
  } catch (error) {
    const reason = error instanceof ContentError ? error.message : `cannot read: ${messageOf(error)}`;
    return { ...base, stampMs: name?.stampMs ?? 0, sha256: null, fields: null, problem: `invalid format: ${reason}` };
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  const parsed = parseFields(content);
  const fields = typeof parsed === 'string' ? null : parsed;
  const problem =
    typeof parsed === 'string'
      ? `invalid format: ${parsed}`
      : trailing > 0
        ? `${trailing} bytes follow the gzip member CloudTrail wrote`
        : null;
  const stampMs = name?.stampMs ?? (fields ? Date.parse(fields.digestEndTime) || 0 : 0);
  return { ...base, stampMs, sha256, fields, problem };
}

const REQUIRED_TEXT = [
  'digestStartTime',
  'digestEndTime',
  'digestS3Bucket',
  'digestS3Object',
  'digestPublicKeyFingerprint',
] as const;
const NULLABLE_TEXT = [
  'previousDigestS3Object',
  'previousDigestHashValue',
  'previousDigestHashAlgorithm',
  'previousDigestSignature',
] as const;

/** The fields, or why the content is not a digest. */
function parseFields(content: Buffer): DigestFields | string {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
  const digest = json as Record<string, unknown>;
  for (const key of REQUIRED_TEXT) if (typeof digest[key] !== 'string') return `${key} is missing or not text`;
  // previousDigestSignature must be present even when null: the signing string spells out "null".
  if (!('previousDigestSignature' in digest)) return 'previousDigestSignature is missing';
  for (const key of NULLABLE_TEXT)
    if (digest[key] != null && typeof digest[key] !== 'string') return `${key} is not text`;
  const logFiles = parseListings(digest['logFiles']);
  if (typeof logFiles === 'string') return logFiles;
  const text = (key: string) => digest[key] as string;
  const nullable = (key: string) => (digest[key] ?? null) as string | null;
  return {
    digestStartTime: text('digestStartTime'),
    digestEndTime: text('digestEndTime'),
    digestS3Bucket: text('digestS3Bucket'),
    digestS3Object: text('digestS3Object'),
    fingerprint: text('digestPublicKeyFingerprint'),
    previousDigestS3Object: nullable('previousDigestS3Object'),
    previousDigestHashValue: nullable('previousDigestHashValue'),
    previousDigestHashAlgorithm: nullable('previousDigestHashAlgorithm'),
    previousDigestSignature: nullable('previousDigestSignature'),
    logFiles,
  };
}

function parseListings(value: unknown): LogListing[] | string {
  if (!Array.isArray(value)) return 'logFiles is missing or not an array';
  const listings: LogListing[] = [];
  for (const [index, entry] of value.entries()) {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const { s3Object, hashValue, hashAlgorithm } = item;
    if (typeof s3Object !== 'string' || typeof hashValue !== 'string')
      return `logFiles[${index}] lacks s3Object or hashValue`;
    listings.push({
      s3Object,
      tail: keyTail(s3Object),
      hashValue,
      hashAlgorithm: typeof hashAlgorithm === 'string' ? hashAlgorithm : null,
    });
  }
  return listings;
}
