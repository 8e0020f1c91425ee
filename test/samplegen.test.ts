import { createHash, createPublicKey, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateArchive, SMALL_SET } from '../scripts/samplegen/archive.js';
import { tempDir } from './helpers/temp-index.js';

const SAMPLES = new URL('../samples/', import.meta.url).pathname;

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Counts gzip members by walking the member boundaries: AWS delivers single-member files. */
function isSingleGzipMember(bytes: Buffer): boolean {
  return (
    bytes[0] === 0x1f &&
    bytes[1] === 0x8b &&
    gunzipSync(bytes).length > 0 &&
    bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), 10) === -1
  );
}

interface Digest {
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestSignature: string | null;
  previousDigestHashValue: string | null;
  logFiles: { s3Object: string; hashValue: string; oldestEventTime: string; newestEventTime: string }[];
}

describe('sample generator', () => {
  it('writes the committed samples/ byte for byte (run `npm run samples` after changing it)', () => {
    const out = tempDir();
    generateArchive({ outDir: out, ...SMALL_SET });
    const generated = filesUnder(out);
    expect(generated).toEqual(filesUnder(SAMPLES).filter((file) => file !== 'README.md'));
    for (const file of generated)
      expect(sha256(readFileSync(join(out, file))), file).toBe(sha256(readFileSync(join(SAMPLES, file))));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const options = { events: 800, days: 1, startDate: '2026-01-05', digests: false };
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    generateArchive({ outDir: a, seed: 7, ...options });
    generateArchive({ outDir: b, seed: 7, ...options });
    generateArchive({ outDir: c, seed: 8, ...options });
    const hashes = (dir: string) => filesUnder(dir).map((file) => `${file} ${sha256(readFileSync(join(dir, file)))}`);
    expect(hashes(a)).toEqual(hashes(b));
    expect(hashes(a)).not.toEqual(hashes(c));
  });

  it('lays logs out in the S3 layout with several accounts, regions and days, as single-member gzip', () => {
    const logs = filesUnder(SAMPLES).filter((file) => file.includes('/CloudTrail/'));
    const layout = new RegExp(
      '^AWSLogs\\/(?:o-[a-z0-9]+\\/)?(\\d{12})\\/CloudTrail\\/([a-z0-9-]+)\\/' +
        '(\\d{4})\\/(\\d{2})\\/(\\d{2})\\/' +
        '\\1_CloudTrail_\\2_\\3\\4\\5T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$',
    );
    for (const file of logs) expect(file).toMatch(layout);
    const parts = logs.map((file) => layout.exec(file)!);
    expect(new Set(parts.map((m) => m[1])).size).toBe(2);
    expect(new Set(parts.map((m) => m[2])).size).toBe(3);
    expect(new Set(parts.map((m) => m.slice(3, 6).join('-'))).size).toBe(3);
    for (const file of logs.slice(0, 200))
      expect(isSingleGzipMember(readFileSync(join(SAMPLES, file))), file).toBe(true);
  });

  it('covers the identity kinds and ECS calls the investigations need', () => {
    const types = new Set<string>();
    const ecsCalls = new Set<string>();
    let invokedBy = 0;
    let denied = 0;
    for (const file of filesUnder(SAMPLES).filter((f) => f.includes('/CloudTrail/'))) {
      for (const record of JSON.parse(gunzipSync(readFileSync(join(SAMPLES, file))).toString()).Records) {
        types.add(record.userIdentity?.type);
        if (record.userIdentity?.invokedBy) invokedBy++;
        if (String(record.errorCode ?? '').includes('AccessDenied')) denied++;
        if (record.eventSource === 'ecs.amazonaws.com') ecsCalls.add(record.eventName);
      }
    }
    for (const type of ['Root', 'IAMUser', 'AssumedRole', 'FederatedUser', 'AWSService']) expect(types).toContain(type);
    for (const call of [
      'CreateCluster',
      'RegisterTaskDefinition',
      'CreateService',
      'RunTask',
      'RegisterContainerInstance',
      'UpdateService',
      'ExecuteCommand',
    ])
      expect(ecsCalls).toContain(call);
    expect(invokedBy).toBe(1487);
    expect(denied).toBe(181);
  });

  it('signs chained digests as CloudTrail does, verifiable with the committed public key', () => {
    const keys = JSON.parse(readFileSync(join(SAMPLES, 'public-keys.json'), 'utf8')).PublicKeyList as {
      Value: string;
      Fingerprint: string;
    }[];
    const signatures = JSON.parse(readFileSync(join(SAMPLES, 'digest-signatures.json'), 'utf8')) as Record<
      string,
      string
    >;
    const digests = filesUnder(SAMPLES).filter((file) => file.includes('/CloudTrail-Digest/'));
    expect(digests.length).toBe(432);
    const chains = new Map<string, { signature: string; hash: string }>();
    for (const file of digests) {
      const bytes = gunzipSync(readFileSync(join(SAMPLES, file)));
      const digest = JSON.parse(bytes.toString()) as Digest;
      const key = keys.find((k) => k.Fingerprint === digest.digestPublicKeyFingerprint)!;
      expect(key, file).toBeDefined();
      const message =
        `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n` +
        `${sha256(bytes)}\n${digest.previousDigestSignature ?? 'null'}`;
      const publicKey = createPublicKey({ key: Buffer.from(key.Value, 'base64'), format: 'der', type: 'pkcs1' });
      expect(verify('sha256', Buffer.from(message), publicKey, Buffer.from(signatures[file]!, 'hex')), file).toBe(true);
      expect(digest.digestS3Object).toBe(file);
      const chain = basename(file).replace(/_\d{8}T\d{6}Z\.json\.gz$/, '');
      const previous = chains.get(chain);
      if (previous) {
        expect(digest.previousDigestSignature, file).toBe(previous.signature);
        expect(digest.previousDigestHashValue, file).toBe(previous.hash);
      }
      chains.set(chain, { signature: signatures[file]!, hash: sha256(bytes) });
      for (const log of digest.logFiles)
        expect(sha256(gunzipSync(readFileSync(join(SAMPLES, log.s3Object)))), log.s3Object).toBe(log.hashValue);
    }
  });
});
