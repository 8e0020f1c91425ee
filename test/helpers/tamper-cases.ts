import { expect } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { baseline, copyArchive, middleDigest, verifyCopy } from './verify-archive.js';
import type { ArchiveCopy, ArchiveModel, DigestJson, Verified } from './verify-archive.js';

/** What verify must answer for a tampered copy. */
interface Expectation {
  readonly expected: Map<string, string>;
  readonly status: number;
  /** Extra `verify` arguments (a forged --signature). */
  readonly args?: readonly string[];
  readonly check?: (result: Verified) => void;
}

/** One way of tampering with an archive, and the verdicts it must draw. */
export interface TamperCase {
  readonly name: string;
  /** Cases of one kind prove the same rule of verify; the default tier runs the first of each kind. */
  readonly kind: string;
  readonly tamper: (model: ArchiveModel, copy: ArchiveCopy) => Expectation;
}

const sha256hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Digest bytes as CloudTrail writes them: compact JSON with `\/`. */
function digestBytes(json: DigestJson): Buffer {
  return Buffer.from(JSON.stringify(json).replace(/\//g, '\\/'));
}

/** CLOUDTRAIL.md §4.4, written out again here so the test does not trust the program's version. */
function signDigest(json: DigestJson, bytes: Buffer, key: KeyObject): string {
  const message =
    `${json.digestEndTime}\n${json.digestS3Bucket}/${json.digestS3Object}\n` +
    `${sha256hex(bytes)}\n${json.previousDigestSignature ?? 'null'}`;
  return sign('sha256', Buffer.from(message), key).toString('hex');
}

export function readDigest(path: string): DigestJson {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as DigestJson;
}

/** Writes a digest back as CloudTrail would have (gzipped compact JSON) and returns its bytes. */
export function writeDigest(copy: ArchiveCopy, key: string, json: DigestJson): Buffer {
  const bytes = digestBytes(json);
  copy.rewrite(key, gzipSync(bytes));
  return bytes;
}

function attackerKey(): { privateKey: KeyObject; fingerprint: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'pkcs1' });
  return { privateKey, fingerprint: createHash('md5').update(der).digest('hex') };
}

/** A digest in the middle of a chain re-signed with an attacker's key, one listed log hidden from it. */
function resigned(verdict: string, ownFingerprint: boolean) {
  return (model: ArchiveModel, copy: ArchiveCopy): Expectation => {
    const { at } = copy;
    const { chain, k } = middleDigest(model);
    const attacker = attackerKey();
    const json = readDigest(at(chain[k]!));
    const hidden = json.logFiles.shift()!.s3Object;
    if (ownFingerprint) json.digestPublicKeyFingerprint = attacker.fingerprint;
    const bytes = writeDigest(copy, chain[k]!, json);
    const forged = signDigest(json, bytes, attacker.privateKey);
    const expected = baseline(model, at)
      .set(`digest ${at(chain[k]!)}`, verdict)
      .set(`chain-link ${at(chain[k + 1]!)}`, 'broken')
      .set(`log ${at(hidden)}`, 'not-covered');
    for (const log of json.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
    return {
      expected,
      status: 3,
      args: ['--signature', `${chain[k]}=${forged}`],
      check: (result) => {
        if (ownFingerprint)
          expect(result.rows.find((row) => row.kind === 'digest' && row.path === at(chain[k]!))!.detail).toContain(
            attacker.fingerprint,
          );
      },
    };
  };
}

/** The tampering matrix. */
export const TAMPER_CASES: readonly TamperCase[] = [
  {
    name: 'one byte changed in a log file (re-gzipped): that file is modified; exit 3',
    kind: 'log modified',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      const target = model.digests.get(chain[k]!)!.logFiles[0]!.s3Object;
      const content = gunzipSync(readFileSync(at(target)));
      const index = content.indexOf('"eventName":"') + '"eventName":"'.length;
      content[index] = content[index] === 0x58 ? 0x59 : 0x58;
      copy.rewrite(target, gzipSync(content));
      return { expected: baseline(model, at).set(`log ${at(target)}`, 'modified'), status: 3 };
    },
  },
  {
    name: 'a gzip member appended to a log file: modified, since the index would read its events; exit 3',
    kind: 'log modified',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      const target = model.digests.get(chain[k]!)!.logFiles[1]!.s3Object;
      copy.rewrite(target, Buffer.concat([readFileSync(at(target)), gzipSync('{"Records":[{"eventName":"Forged"}]}')]));
      return { expected: baseline(model, at).set(`log ${at(target)}`, 'modified'), status: 3 };
    },
  },
  {
    name: 'a log file deleted: missing, where it was expected; exit 3',
    kind: 'log deleted',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      const target = model.digests.get(chain[k]!)!.logFiles[0]!.s3Object;
      rmSync(at(target));
      return { expected: baseline(model, at).set(`log ${at(target)}`, 'missing'), status: 3 };
    },
  },
  {
    name: 'a log file added inside the hours the digests cover: not covered, unverifiable; exit 4',
    kind: 'log added',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      const source = model.digests.get(chain[k]!)!.logFiles[0]!.s3Object;
      const added = `${source.slice(0, source.lastIndexOf('_'))}_ForgedForgedForg.json.gz`;
      copyFileSync(at(source), at(added));
      return {
        expected: baseline(model, at).set(`log ${at(added)}`, 'not-covered'),
        status: 4,
        check: (result) =>
          expect(result.rows.find((row) => row.path === at(added))!.detail).toMatch(/yet none lists it/),
      };
    },
  },
  {
    name: 'a digest deleted: it is missing, the next link is missing, its logs are not covered, a gap is shown; exit 3',
    kind: 'digest deleted',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      rmSync(at(chain[k]!));
      const expected = baseline(model, at);
      expected.delete(`chain-link ${at(chain[k]!)}`);
      expected.set(`digest ${at(chain[k]!)}`, 'missing');
      expected.set(`chain-link ${at(chain[k + 1]!)}`, 'missing');
      expected.set(`gap ${at(chain[k + 1]!)}`, 'gap');
      for (const log of model.digests.get(chain[k]!)!.logFiles) expected.set(`log ${at(log.s3Object)}`, 'not-covered');
      return { expected, status: 3 };
    },
  },
  {
    name: 'a digest edited (one field, re-gzipped): signature invalid, next link broken, its logs unproven; exit 3',
    kind: 'digest edited',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      const json = readDigest(at(chain[k]!));
      json.oldestEventTime = '2026-01-01T00:00:00Z';
      writeDigest(copy, chain[k]!, json);
      const expected = baseline(model, at)
        .set(`digest ${at(chain[k]!)}`, 'invalid')
        .set(`chain-link ${at(chain[k + 1]!)}`, 'broken');
      for (const log of json.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
      return { expected, status: 3 };
    },
  },
  {
    name:
      'a digest re-signed with another RSA key, with its own fingerprint: unverifiable, next link broken,' +
      ' the hidden log not covered; exit 3',
    kind: 'digest re-signed',
    tamper: resigned('unverifiable', true),
  },
  {
    name:
      "a digest re-signed with another RSA key, keeping AWS's fingerprint: invalid, next link broken," +
      ' the hidden log not covered; exit 3',
    kind: 'digest re-signed',
    tamper: resigned('invalid', false),
  },
  {
    name:
      'the newest digest re-signed with another key: no successor can expose it,' +
      ' so it stays unverifiable; exit 4, never 0',
    kind: 'newest digest re-signed',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain } = middleDigest(model);
      const newest = chain[chain.length - 1]!;
      const attacker = attackerKey();
      const json = readDigest(at(newest));
      const hidden = json.logFiles.shift()!.s3Object;
      json.digestPublicKeyFingerprint = attacker.fingerprint;
      const bytes = writeDigest(copy, newest, json);
      const expected = baseline(model, at)
        .set(`digest ${at(newest)}`, 'unverifiable')
        .set(`log ${at(hidden)}`, 'not-covered');
      for (const log of json.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
      return {
        expected,
        status: 4,
        args: ['--signature', `${newest}=${signDigest(json, bytes, attacker.privateKey)}`],
      };
    },
  },
  {
    name:
      'two consecutive digests swapped: both moved (invalid), the links into them broken;' +
      ' their logs still proven; exit 3',

    kind: 'digests reordered',
    tamper: (model, copy) => {
      const { at } = copy;
      const { chain, k } = middleDigest(model);
      const [first, second, third] = [chain[k]!, chain[k + 1]!, chain[k + 2]!];
      const firstBytes = readFileSync(at(first));
      copy.rewrite(first, readFileSync(at(second)));
      copy.rewrite(second, firstBytes);
      // `first` now holds the successor, whose previous link points back at `first` itself: broken.
      // `second` holds the predecessor, whose link to chain[k - 1] is intact. `third` pins other bytes.
      const expected = baseline(model, at)
        .set(`digest ${at(first)}`, 'invalid')
        .set(`digest ${at(second)}`, 'invalid')
        .set(`chain-link ${at(first)}`, 'broken')
        .set(`chain-link ${at(second)}`, 'valid')
        .set(`chain-link ${at(third)}`, 'broken');
      return { expected, status: 3 };
    },
  },
];

/** The first case of each kind: every rule of verify, once. */
export const ONE_CASE_PER_KIND: readonly TamperCase[] = TAMPER_CASES.filter(
  (tamperCase, i) => TAMPER_CASES.findIndex((other) => other.kind === tamperCase.kind) === i,
);

/** Tampers with a fresh copy of the archive and checks every verdict and the exit code. */
export function checkTamperCase(model: ArchiveModel, tamperCase: TamperCase): void {
  const copy = copyArchive(model);
  const { expected, status, args = [], check } = tamperCase.tamper(model, copy);
  const result = verifyCopy(copy.root, args);
  expect(result.verdicts).toEqual(expected);
  expect(result.status).toBe(status);
  check?.(result);
}
