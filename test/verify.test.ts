import { beforeAll, describe, expect, test } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openIndex } from '../src/store/db.js';
import { runCli } from './helpers/run-cli.js';
import { readIndex, tempDir } from './helpers/temp-index.js';

/**
 * The tampering matrix. Expected verdicts come from this file's own reading of the committed samples
 * (gunzip, JSON, SHA-256 and RSA as CLOUDTRAIL.md §4 defines them), never from the program's output.
 */
const samples = fileURLToPath(new URL('../samples/', import.meta.url));
const PUBLIC_KEYS = join(samples, 'public-keys.json');
const SIGNATURES = join(samples, 'digest-signatures.json');

interface DigestJson {
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestS3Object: string | null;
  previousDigestSignature: string | null;
  oldestEventTime: string | null;
  logFiles: { s3Object: string; hashValue: string }[];
}

/** What the pristine samples hold, keyed by path below samples/ (`AWSLogs/…`). */
interface Model {
  readonly digests: Map<string, DigestJson>;
  /** Digest keys per chain (one trail per account and region here), oldest first. */
  readonly chains: string[][];
  /** Log key → the digest that lists it. */
  readonly listedBy: Map<string, string>;
  readonly logs: string[];
}

let model: Model;
beforeAll(() => {
  model = readModel();
});

function readModel(): Model {
  const files = (readdirSync(join(samples, 'AWSLogs'), { recursive: true }) as string[])
    .map((file) => `AWSLogs/${file.split('\\').join('/')}`)
    .filter((key) => key.endsWith('.json.gz'))
    .sort();
  const digests = new Map<string, DigestJson>();
  const listedBy = new Map<string, string>();
  const chains = new Map<string, string[]>();
  for (const key of files.filter((file) => file.includes('/CloudTrail-Digest/'))) {
    const json = JSON.parse(gunzipSync(readFileSync(join(samples, key))).toString('utf8')) as DigestJson;
    digests.set(key, json);
    for (const log of json.logFiles) listedBy.set(log.s3Object, key);
    const chain = key.slice(0, key.indexOf('/', key.indexOf('CloudTrail-Digest/') + 'CloudTrail-Digest/'.length));
    chains.set(chain, [...(chains.get(chain) ?? []), key]);
  }
  const byName = (a: string, b: string) => (a.slice(a.lastIndexOf('/')) < b.slice(b.lastIndexOf('/')) ? -1 : 1);
  return { digests, listedBy, logs: files.filter((file) => file.includes('/CloudTrail/')), chains: [...chains.values()].map((chain) => chain.sort(byName)) };
}

/** A fresh copy of samples/AWSLogs; `at` turns a key into the copy's absolute path. */
function copyArchive(): { root: string; at: (key: string) => string } {
  const root = tempDir('trailhound-verify-');
  cpSync(join(samples, 'AWSLogs'), join(root, 'AWSLogs'), { recursive: true });
  return { root, at: (key) => join(root, ...key.split('/')) };
}

function runVerifyCli(args: readonly string[], cwd?: string) {
  return runCli(['verify', ...args], cwd === undefined ? {} : { cwd });
}

interface Row {
  path: string;
  kind: string;
  verdict: string;
  detail: string;
}

interface Verified {
  readonly status: number | null;
  readonly verdicts: Map<string, string>;
  readonly rows: Row[];
  readonly summary: { counts: Record<string, Record<string, number>>; notProven: string[] };
  readonly stderr: string;
}

function verify(root: string, extra: string[] = [], options: { signatures?: boolean } = {}): Verified {
  const trust = ['--public-keys', PUBLIC_KEYS, ...(options.signatures === false ? [] : ['--signatures', SIGNATURES])];
  const result = runVerifyCli([join(root, 'AWSLogs'), ...trust, '--format', 'json', '--db', join(root, 'absent.db'), ...extra]);
  expect(result.stdout.startsWith('{'), result.stderr).toBe(true);
  const json = JSON.parse(result.stdout) as { summary: Verified['summary']; results: Row[] };
  const verdicts = new Map(json.results.map((row) => [`${row.kind} ${row.path}`, row.verdict]));
  expect(verdicts.size).toBe(json.results.length);
  return { status: result.status, verdicts, rows: json.results, summary: json.summary, stderr: result.stderr };
}

/** Every verdict an untouched copy must get, when every digest's signature is known. */
function baseline(at: (key: string) => string): Map<string, string> {
  const expected = new Map<string, string>();
  for (const [key, json] of model.digests) {
    expected.set(`digest ${at(key)}`, 'valid');
    expected.set(`chain-link ${at(key)}`, json.previousDigestS3Object === null ? 'start' : 'valid');
  }
  for (const key of model.logs) expected.set(`log ${at(key)}`, model.listedBy.has(key) ? 'valid' : 'not-covered');
  return expected;
}

/** The largest chain (111122223333, us-east-1) and a digest in its middle that lists log files. */
function middleDigest(): { chain: string[]; k: number } {
  const chain = model.chains.find((keys) => keys[0]!.includes('/111122223333/CloudTrail-Digest/us-east-1/'))!;
  let k = Math.floor(chain.length / 2);
  while (model.digests.get(chain[k]!)!.logFiles.length < 2) k++;
  return { chain, k };
}

const sha256hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Digest bytes as CloudTrail writes them: compact JSON with `\/`. */
function digestBytes(json: DigestJson): Buffer {
  return Buffer.from(JSON.stringify(json).replace(/\//g, '\\/'));
}

/** CLOUDTRAIL.md §4.4, written out again here so the test does not trust the program's version. */
function signDigest(json: DigestJson, bytes: Buffer, key: KeyObject): string {
  const message = `${json.digestEndTime}\n${json.digestS3Bucket}/${json.digestS3Object}\n${sha256hex(bytes)}\n${json.previousDigestSignature ?? 'null'}`;
  return sign('sha256', Buffer.from(message), key).toString('hex');
}

function readDigest(path: string): DigestJson {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as DigestJson;
}

function attackerKey(): { privateKey: KeyObject; fingerprint: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'pkcs1' });
  return { privateKey, fingerprint: createHash('md5').update(der).digest('hex') };
}

describe('trailhound verify, untouched archive', () => {
  test('every digest, link and listed log file is valid; logs after the newest digest are not covered; exit 0', () => {
    const { root, at } = copyArchive();
    const result = verify(root);
    expect(result.verdicts).toEqual(baseline(at));
    expect(result.status).toBe(0);
    const afterNewest = model.logs.filter((key) => !model.listedBy.has(key)).length;
    expect(result.summary.notProven[0]).toBe(`${afterNewest} log files were delivered after the newest digest of their account and region: the digest listing them is not in the archive yet (not counted against the result)`);
  });

  test('without signatures, only the newest digest of each chain and the logs it lists are unverifiable; exit 4', () => {
    const { root, at } = copyArchive();
    const expected = baseline(at);
    for (const chain of model.chains) {
      const newest = chain[chain.length - 1]!;
      expected.set(`digest ${at(newest)}`, 'unverifiable');
      for (const log of model.digests.get(newest)!.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
    }
    const result = verify(root, [], { signatures: false });
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(4);
    const heads = model.chains.length;
    const headLogs = model.chains.reduce((sum, chain) => sum + model.digests.get(chain[chain.length - 1]!)!.logFiles.length, 0);
    expect(result.summary.notProven[0]).toBe(`${heads} newest digests of their chains, and the ${headLogs} log files listed there: the signature is only in S3 object metadata; pass it with --signature KEY=HEX or --signatures FILE`);
  });

  test('the newest digests prove with --signature KEY=HEX alone', () => {
    const { root, at } = copyArchive();
    const signatures = JSON.parse(readFileSync(SIGNATURES, 'utf8')) as Record<string, string>;
    const flags = model.chains.flatMap((chain) => ['--signature', `${chain[chain.length - 1]}=${signatures[chain[chain.length - 1]!]}`]);
    const result = verify(root, flags, { signatures: false });
    expect(result.verdicts).toEqual(baseline(at));
    expect(result.status).toBe(0);
  });

  test('stores every verdict in the verification table of an existing --db', () => {
    const { root, at } = copyArchive();
    const dbPath = join(root, 'case.db');
    openIndex(dbPath).close();
    const result = runVerifyCli([join(root, 'AWSLogs'), '--public-keys', PUBLIC_KEYS, '--signatures', SIGNATURES, '--db', dbPath]);
    expect(result.status).toBe(0);
    expect(result.stderr.split('\n').at(-2)).toBe(`results stored in ${dbPath}, table verification (${baseline(at).size} rows)`);
    const stored = readIndex(dbPath).prepare('SELECT kind, path, verdict, verified_at FROM verification').all() as { kind: string; path: string; verdict: string; verified_at: string }[];
    expect(new Map(stored.map((row) => [`${row.kind} ${row.path}`, row.verdict]))).toEqual(baseline(at));
    expect(stored.every((row) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(row.verified_at))).toBe(true);
  });
});

describe('trailhound verify, tampered archives', () => {
  test('one byte changed in a log file (re-gzipped): that file is modified; exit 3', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const target = model.digests.get(chain[k]!)!.logFiles[0]!.s3Object;
    const content = gunzipSync(readFileSync(at(target)));
    const index = content.indexOf('"eventName":"') + '"eventName":"'.length;
    content[index] = content[index] === 0x58 ? 0x59 : 0x58;
    writeFileSync(at(target), gzipSync(content));
    const expected = baseline(at).set(`log ${at(target)}`, 'modified');
    const result = verify(root);
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(3);
  });

  test('a gzip member appended to a log file: modified, since the index would read its events; exit 3', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const target = model.digests.get(chain[k]!)!.logFiles[1]!.s3Object;
    writeFileSync(at(target), Buffer.concat([readFileSync(at(target)), gzipSync('{"Records":[{"eventName":"Forged"}]}')]));
    const result = verify(root);
    expect(result.verdicts).toEqual(baseline(at).set(`log ${at(target)}`, 'modified'));
    expect(result.status).toBe(3);
  });

  test('a log file deleted: missing, where it was expected; exit 3', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const target = model.digests.get(chain[k]!)!.logFiles[0]!.s3Object;
    rmSync(at(target));
    const result = verify(root);
    expect(result.verdicts).toEqual(baseline(at).set(`log ${at(target)}`, 'missing'));
    expect(result.status).toBe(3);
  });

  test('a log file added inside the hours the digests cover: not covered, unverifiable; exit 4', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const source = model.digests.get(chain[k]!)!.logFiles[0]!.s3Object;
    const added = `${source.slice(0, source.lastIndexOf('_'))}_ForgedForgedForg.json.gz`;
    cpSync(at(source), at(added));
    const result = verify(root);
    expect(result.verdicts).toEqual(baseline(at).set(`log ${at(added)}`, 'not-covered'));
    expect(result.rows.find((row) => row.path === at(added))!.detail).toMatch(/yet none lists it/);
    expect(result.status).toBe(4);
  });

  test('a digest deleted: it is missing, the next link is missing, its logs are not covered, a gap is shown; exit 3', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    rmSync(at(chain[k]!));
    const expected = baseline(at);
    expected.delete(`chain-link ${at(chain[k]!)}`);
    expected.set(`digest ${at(chain[k]!)}`, 'missing');
    expected.set(`chain-link ${at(chain[k + 1]!)}`, 'missing');
    expected.set(`gap ${at(chain[k + 1]!)}`, 'gap');
    for (const log of model.digests.get(chain[k]!)!.logFiles) expected.set(`log ${at(log.s3Object)}`, 'not-covered');
    const result = verify(root);
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(3);
  });

  test('a digest edited (one field, re-gzipped): signature invalid, next link broken, its logs unproven; exit 3', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const json = readDigest(at(chain[k]!));
    json.oldestEventTime = '2026-01-01T00:00:00Z';
    writeFileSync(at(chain[k]!), gzipSync(digestBytes(json)));
    const expected = baseline(at).set(`digest ${at(chain[k]!)}`, 'invalid').set(`chain-link ${at(chain[k + 1]!)}`, 'broken');
    for (const log of json.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
    const result = verify(root);
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(3);
  });

  test.each([
    ['with its own fingerprint', 'unverifiable', true],
    ["keeping AWS's fingerprint", 'invalid', false],
  ])('a digest re-signed with another RSA key, %s: %s, next link broken, the hidden log not covered; exit 3', (_, verdict, ownFingerprint) => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const attacker = attackerKey();
    const json = readDigest(at(chain[k]!));
    const hidden = json.logFiles.shift()!.s3Object;
    if (ownFingerprint) json.digestPublicKeyFingerprint = attacker.fingerprint;
    const bytes = digestBytes(json);
    writeFileSync(at(chain[k]!), gzipSync(bytes));
    const forged = signDigest(json, bytes, attacker.privateKey);
    const expected = baseline(at).set(`digest ${at(chain[k]!)}`, verdict).set(`chain-link ${at(chain[k + 1]!)}`, 'broken').set(`log ${at(hidden)}`, 'not-covered');
    for (const log of json.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
    const result = verify(root, ['--signature', `${chain[k]}=${forged}`]);
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(3);
    if (ownFingerprint) expect(result.rows.find((row) => row.kind === 'digest' && row.path === at(chain[k]!))!.detail).toContain(attacker.fingerprint);
  });

  test('the newest digest re-signed with another key: no successor can expose it, so it stays unverifiable; exit 4, never 0', () => {
    const { root, at } = copyArchive();
    const { chain } = middleDigest();
    const newest = chain[chain.length - 1]!;
    const attacker = attackerKey();
    const json = readDigest(at(newest));
    const hidden = json.logFiles.shift()!.s3Object;
    json.digestPublicKeyFingerprint = attacker.fingerprint;
    const bytes = digestBytes(json);
    writeFileSync(at(newest), gzipSync(bytes));
    const expected = baseline(at).set(`digest ${at(newest)}`, 'unverifiable').set(`log ${at(hidden)}`, 'not-covered');
    for (const log of json.logFiles) expected.set(`log ${at(log.s3Object)}`, 'unverifiable');
    const result = verify(root, ['--signature', `${newest}=${signDigest(json, bytes, attacker.privateKey)}`]);
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(4);
  });

  test('two consecutive digests swapped: both moved (invalid), the links into them broken; their logs still proven; exit 3', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const [first, second, third] = [chain[k]!, chain[k + 1]!, chain[k + 2]!];
    const firstBytes = readFileSync(at(first));
    writeFileSync(at(first), readFileSync(at(second)));
    writeFileSync(at(second), firstBytes);
    // `first` now holds the successor, whose previous link points back at `first` itself: broken.
    // `second` holds the predecessor, whose link to chain[k - 1] is intact. `third` pins other bytes.
    const expected = baseline(at)
      .set(`digest ${at(first)}`, 'invalid').set(`digest ${at(second)}`, 'invalid')
      .set(`chain-link ${at(first)}`, 'broken').set(`chain-link ${at(second)}`, 'valid').set(`chain-link ${at(third)}`, 'broken');
    const result = verify(root);
    expect(result.verdicts).toEqual(expected);
    expect(result.status).toBe(3);
  });
});

describe('trailhound verify, hostile content', () => {
  test('control characters from a digest reach the terminal escaped', () => {
    const { root, at } = copyArchive();
    const { chain, k } = middleDigest();
    const json = readDigest(at(chain[k]!));
    json.digestS3Object = json.digestS3Object.replace('/2026/', '/20\u001b]52;c;aGk=\u0007\u202e26/');
    writeFileSync(at(chain[k]!), gzipSync(digestBytes(json)));
    const result = runVerifyCli([join(root, 'AWSLogs'), '--public-keys', PUBLIC_KEYS, '--db', join(root, 'absent.db')], dirname(root));
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('/CloudTrail-Digest/us-east-1/20\\e]52;c;aGk=\\x07\\u202e26/');
    expect(result.stdout).toContain('has been moved: it holds the digest of AWSLogs/');
    expect(result.stdout + result.stderr).not.toMatch(/[\u0007\u001b\u202e]/);
  });
});

describe('trailhound verify, bad input', () => {
  test('a malformed --signature is a usage error naming the flag, exit 2', () => {
    const result = runCli(['verify', samples, '--signature', 'AWSLogs/x.json.gz=zz']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe([
      'error: bad --signature value',
      ' reason: expected DIGEST_KEY=HEX, got "AWSLogs/x.json.gz=zz"',
      '   help: HEX is x-amz-meta-signature from: aws s3api head-object --bucket B --key DIGEST_KEY',
      '',
    ].join('\n'));
  });

  test('a folder without CloudTrail files fails, exit 1', () => {
    const dir = tempDir();
    const result = runCli(['verify', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe([
      'error: nothing to verify',
      ` reason: no CloudTrail digest or log files under ${dir}`,
      '   help: give the folder that holds AWSLogs/<account>/CloudTrail-Digest/ and CloudTrail/',
      '',
    ].join('\n'));
  });
});
