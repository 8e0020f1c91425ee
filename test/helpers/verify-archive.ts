import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { openIndex } from '../../src/store/db.js';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { runCli } from './run-cli.js';
import { readIndex, tempDir } from './temp-index.js';

/**
 * The committed samples as verify must judge them. Expected verdicts come from this file's own
 * reading of the samples (gunzip, JSON, SHA-256 and RSA as CLOUDTRAIL.md §4 defines them), never
 * from the program's output.
 */
export const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
export const PUBLIC_KEYS = join(SAMPLES, 'public-keys.json');
export const SIGNATURES = join(SAMPLES, 'digest-signatures.json');

export interface DigestJson {
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestS3Object: string | null;
  previousDigestSignature: string | null;
  oldestEventTime: string | null;
  logFiles: { s3Object: string; hashValue: string }[];
}

/** What an archive holds, keyed by path below samples/ (`AWSLogs/…`). */
export interface ArchiveModel {
  readonly digests: Map<string, DigestJson>;
  /** Digest keys per chain (one trail per account and region here), oldest first. */
  readonly chains: string[][];
  /** Log key → the digest that lists it. */
  readonly listedBy: Map<string, string>;
  readonly logs: string[];
  /** The folders below samples/ the archive is made of (each account and region's digests and logs). */
  readonly folders: string[];
}

/** The chain of each trail folder `…/CloudTrail-Digest/<region>`. */
const chainOf = (key: string) =>
  key.slice(0, key.indexOf('/', key.indexOf('CloudTrail-Digest/') + 'CloudTrail-Digest/'.length));

/**
 * The samples, or only the chains named (`AWSLogs/<…>/CloudTrail-Digest/<region>`) and the log
 * folders of the same accounts and regions.
 */
export function readArchive(chains?: readonly string[]): ArchiveModel {
  const all = (readdirSync(join(SAMPLES, 'AWSLogs'), { recursive: true }) as string[])
    .map((file) => `AWSLogs/${file.split('\\').join('/')}`)
    .filter((key) => key.endsWith('.json.gz'))
    .sort();
  const folders = chains?.flatMap((chain) => [chain, chain.replace('/CloudTrail-Digest/', '/CloudTrail/')]);
  const files =
    folders === undefined ? all : all.filter((key) => folders.some((folder) => key.startsWith(`${folder}/`)));
  const digests = new Map<string, DigestJson>();
  const listedBy = new Map<string, string>();
  const byChain = new Map<string, string[]>();
  for (const key of files.filter((file) => file.includes('/CloudTrail-Digest/'))) {
    const json = JSON.parse(gunzipSync(readFileSync(join(SAMPLES, key))).toString('utf8')) as DigestJson;
    digests.set(key, json);
    for (const log of json.logFiles) listedBy.set(log.s3Object, key);
    byChain.set(chainOf(key), [...(byChain.get(chainOf(key)) ?? []), key]);
  }
  const byName = (a: string, b: string) => (a.slice(a.lastIndexOf('/')) < b.slice(b.lastIndexOf('/')) ? -1 : 1);
  return {
    digests,
    listedBy,
    logs: files.filter((file) => file.includes('/CloudTrail/')),
    chains: [...byChain.values()].map((chain) => chain.sort(byName)),
    folders: folders ?? ['AWSLogs'],
  };
}

export interface ArchiveCopy {
  readonly root: string;
  /** Turns a key into the copy's absolute path. */
  readonly at: (key: string) => string;
  /** Replaces a file's bytes; the only way to change one, since the copy's files are links to the samples. */
  readonly rewrite: (key: string, bytes: Buffer) => void;
}

/**
 * A copy of the archive's folders under `root`/AWSLogs (removed after the test unless `root` is
 * given). Its files are hard links to the samples, which costs no copying (a tenth of the verify
 * suite's time went into copying 3,000 files per test); `rewrite` unlinks before writing, so the
 * samples never change.
 */
export function copyArchive(model: ArchiveModel, root = tempDir('trailhound-verify-')): ArchiveCopy {
  for (const folder of model.folders) {
    for (const entry of readdirSync(join(SAMPLES, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const target = join(root, relative(SAMPLES, entry.parentPath), entry.name);
      mkdirSync(dirname(target), { recursive: true });
      linkSync(join(entry.parentPath, entry.name), target);
    }
  }
  const at = (key: string) => join(root, ...key.split('/'));
  return {
    root,
    at,
    rewrite: (key, bytes) => {
      rmSync(at(key));
      writeFileSync(at(key), bytes);
    },
  };
}

export interface VerifyRow {
  path: string;
  kind: string;
  verdict: string;
  detail: string;
}

export interface Verified {
  readonly status: number | null;
  readonly verdicts: Map<string, string>;
  readonly rows: VerifyRow[];
  readonly summary: { counts: Record<string, Record<string, number>>; notProven: string[] };
  readonly stderr: string;
}

/** `trailhound verify --format json` over a copy, with the samples' keys and (unless told not to) signatures. */
export function verifyCopy(
  root: string,
  extra: readonly string[] = [],
  options: { signatures?: boolean } = {},
): Verified {
  const trust = ['--public-keys', PUBLIC_KEYS, ...(options.signatures === false ? [] : ['--signatures', SIGNATURES])];
  const result = runCli([
    'verify',
    join(root, 'AWSLogs'),
    ...trust,
    '--format',
    'json',
    '--db',
    join(root, 'absent.db'),
    ...extra,
  ]);
  expect(result.stdout.startsWith('{'), result.stderr).toBe(true);
  const json = JSON.parse(result.stdout) as { summary: Verified['summary']; results: VerifyRow[] };
  const verdicts = new Map(json.results.map((row) => [`${row.kind} ${row.path}`, row.verdict]));
  expect(verdicts.size).toBe(json.results.length);
  return { status: result.status, verdicts, rows: json.results, summary: json.summary, stderr: result.stderr };
}

/** Every verdict an untouched copy must get, when every digest's signature is known. */
export function baseline(model: ArchiveModel, at: (key: string) => string): Map<string, string> {
  const expected = new Map<string, string>();
  for (const [key, json] of model.digests) {
    expected.set(`digest ${at(key)}`, 'valid');
    expected.set(`chain-link ${at(key)}`, json.previousDigestS3Object === null ? 'start' : 'valid');
  }
  for (const key of model.logs) expected.set(`log ${at(key)}`, model.listedBy.has(key) ? 'valid' : 'not-covered');
  return expected;
}

/** The chain of 111122223333 in us-east-1 (the largest) and a digest in its middle that lists log files. */
export function middleDigest(model: ArchiveModel): { chain: string[]; k: number } {
  const chain = model.chains.find((keys) => keys[0]!.includes('/111122223333/CloudTrail-Digest/us-east-1/'))!;
  let k = Math.floor(chain.length / 2);
  while (model.digests.get(chain[k]!)!.logFiles.length < 2) k++;
  return { chain, k };
}

/**
 * What verify says of an untouched archive: the samples, or only the `chains` named. The tests only
 * read the archive, so they share one copy.
 */
export function describeUntouchedArchive(title: string, chains?: readonly string[]): void {
  describe(`trailhound verify, untouched archive (${title})`, () => {
    let model: ArchiveModel;
    let copy: ArchiveCopy;
    beforeAll(() => {
      model = readArchive(chains);
      copy = copyArchive(model, mkdtempSync(join(tmpdir(), 'trailhound-verify-')));
    });
    afterAll(() => rmSync(copy.root, { recursive: true, force: true }));

    test('every digest, link and listed log is valid; logs after the newest digest are not covered; exit 0', () => {
      const result = verifyCopy(copy.root);
      expect(result.verdicts).toEqual(baseline(model, copy.at));
      expect(result.status).toBe(0);
      const afterNewest = model.logs.filter((key) => !model.listedBy.has(key)).length;
      expect(result.summary.notProven[0]).toBe(
        `${afterNewest} log files were delivered after the newest digest of their account and region:` +
          ' the digest listing them is not in the archive yet (not counted against the result)',
      );
    });

    test('without signatures, only the newest digest of a chain and the logs it lists are unverifiable; exit 4', () => {
      const { at } = copy;
      const expected = baseline(model, at);
      for (const chain of model.chains) {
        const newest = chain[chain.length - 1]!;
        expected.set(`digest ${at(newest)}`, 'unverifiable');
        for (const log of model.digests.get(newest)!.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
      }
      const result = verifyCopy(copy.root, [], { signatures: false });
      expect(result.verdicts).toEqual(expected);
      expect(result.status).toBe(4);
      const heads = model.chains.length;
      const headLogs = model.chains.reduce(
        (sum, chain) => sum + model.digests.get(chain[chain.length - 1]!)!.logFiles.length,
        0,
      );
      expect(result.summary.notProven[0]).toBe(
        `${heads} newest digests of their chains, and the ${headLogs} log files listed there:` +
          ' the signature is only in S3 object metadata; pass it with --signature KEY=HEX or --signatures FILE',
      );
    });

    test('the newest digests prove with --signature KEY=HEX alone', () => {
      const signatures = JSON.parse(readFileSync(SIGNATURES, 'utf8')) as Record<string, string>;
      const flags = model.chains.flatMap((chain) => [
        '--signature',
        `${chain[chain.length - 1]}=${signatures[chain[chain.length - 1]!]}`,
      ]);
      const result = verifyCopy(copy.root, flags, { signatures: false });
      expect(result.verdicts).toEqual(baseline(model, copy.at));
      expect(result.status).toBe(0);
    });

    test('stores every verdict in the verification table of an existing --db', () => {
      const dbPath = join(tempDir(), 'case.db');
      openIndex(dbPath).close();
      const result = runCli([
        'verify',
        join(copy.root, 'AWSLogs'),
        '--public-keys',
        PUBLIC_KEYS,
        '--signatures',
        SIGNATURES,
        '--db',
        dbPath,
      ]);
      expect(result.status).toBe(0);
      expect(result.stderr.split('\n').at(-2)).toBe(
        `results stored in ${dbPath}, table verification (${baseline(model, copy.at).size} rows)`,
      );
      const stored = readIndex(dbPath).prepare('SELECT kind, path, verdict, verified_at FROM verification').all() as {
        kind: string;
        path: string;
        verdict: string;
        verified_at: string;
      }[];
      expect(new Map(stored.map((row) => [`${row.kind} ${row.path}`, row.verdict]))).toEqual(baseline(model, copy.at));
      expect(stored.every((row) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(row.verified_at))).toBe(true);
    });
  });
}
