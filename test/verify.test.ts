import { beforeAll, describe, expect, test } from 'vitest';
import { dirname, join } from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import {
  copyArchive,
  describeUntouchedArchive,
  middleDigest,
  PUBLIC_KEYS,
  readArchive,
  SAMPLES,
} from './helpers/verify-archive.js';
import type { ArchiveModel } from './helpers/verify-archive.js';
import { checkTamperCase, ONE_CASE_PER_KIND, readDigest, writeDigest } from './helpers/tamper-cases.js';

/**
 * Two of the samples' six chains, an organization trail's and an account trail's: each verdict on a
 * third of the files. test/thorough/verify-matrix.test.ts runs every case on all six.
 */
const CHAINS = [
  'AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/us-east-1',
  'AWSLogs/444455556666/CloudTrail-Digest/eu-west-1',
];

let model: ArchiveModel;
beforeAll(() => {
  model = readArchive(CHAINS);
});

describeUntouchedArchive('two chains', CHAINS);

describe('trailhound verify, tampered archives (one case per kind)', () => {
  test.each(ONE_CASE_PER_KIND.map((tamperCase) => [tamperCase.name, tamperCase] as const))('%s', (_, tamperCase) => {
    checkTamperCase(model, tamperCase);
  });
});

describe('trailhound verify, hostile content', () => {
  test('control characters from a digest reach the terminal escaped', () => {
    const copy = copyArchive(model);
    const { root, at } = copy;
    const { chain, k } = middleDigest(model);
    const json = readDigest(at(chain[k]!));
    json.digestS3Object = json.digestS3Object.replace('/2026/', '/20\u001b]52;c;aGk=\u0007\u202e26/');
    writeDigest(copy, chain[k]!, json);
    const result = runCli(
      ['verify', join(root, 'AWSLogs'), '--public-keys', PUBLIC_KEYS, '--db', join(root, 'absent.db')],
      { cwd: dirname(root) },
    );
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('/CloudTrail-Digest/us-east-1/20\\e]52;c;aGk=\\x07\\u202e26/');
    expect(result.stdout).toContain('has been moved: it holds the digest of AWSLogs/');
    expect(result.stdout + result.stderr).not.toMatch(/[\u0007\u001b\u202e]/);
  });
});

describe('trailhound verify, bad input', () => {
  test('a malformed --signature is a usage error naming the flag, exit 2', () => {
    const result = runCli(['verify', SAMPLES, '--signature', 'AWSLogs/x.json.gz=zz']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'error: bad --signature value',
        ' reason: expected DIGEST_KEY=HEX, got "AWSLogs/x.json.gz=zz"',
        '   help: HEX is x-amz-meta-signature from: aws s3api head-object --bucket B --key DIGEST_KEY',
        '',
      ].join('\n'),
    );
  });

  test('a folder without CloudTrail files fails, exit 1', () => {
    const dir = tempDir();
    const result = runCli(['verify', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        'error: nothing to verify',
        ` reason: no CloudTrail digest or log files under ${dir}`,
        '   help: give the folder that holds AWSLogs/<account>/CloudTrail-Digest/ and CloudTrail/',
        '',
      ].join('\n'),
    );
  });
});
