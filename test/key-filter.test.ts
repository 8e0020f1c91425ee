import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipReason } from '../src/sources/key-filter.js';
import type { KeyFilter } from '../src/sources/key-filter.js';
import { runCli } from './helpers/run-cli.js';
import { SAMPLE_LOGS, sampleRecords } from './helpers/samples.js';

const LOG =
  'cases/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2026/03/03/' +
  '111122223333_CloudTrail_us-east-1_20260303T1511Z_UQxc51wGrOBrNiFo.json.gz';
const DIGEST =
  'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/03/' +
  '111122223333_CloudTrail-Digest_eu-west-1_trail_us-east-1_20260303T050500Z.json.gz';
const NO_NAME_TIME = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/03/renamed.json.gz';
const ms = (iso: string) => Date.parse(iso);

describe('skipReason: what the S3 key alone says', () => {
  it.each<[string, string, KeyFilter, string | null]>([
    ['delivered before --since', LOG, { sinceMs: ms('2026-03-03T15:13:00Z') }, 'before-since'],
    ['delivered in the minute --since starts', LOG, { sinceMs: ms('2026-03-03T15:11:30Z') }, null],
    [
      'delivered within 6 h after --until: may hold late events before it',
      LOG,
      { untilMs: ms('2026-03-03T09:30:00Z') },
      null,
    ],
    ['delivered over 6 h after --until', LOG, { untilMs: ms('2026-03-03T09:10:00Z') }, 'after-until'],
    ['another account', LOG, { accounts: new Set(['444455556666']) }, 'other-account'],
    ['its account', LOG, { accounts: new Set(['111122223333']) }, null],
    ['another region', LOG, { regions: new Set(['eu-west-1']) }, 'other-region'],
    ['a digest by its name time', DIGEST, { sinceMs: ms('2026-03-03T06:00:00Z') }, 'before-since'],
    [
      'no time in the name: the date folder decides (inside the day)',
      NO_NAME_TIME,
      { sinceMs: ms('2026-03-03T23:00:00Z') },
      null,
    ],
    [
      'no time in the name: the date folder decides (day over)',
      NO_NAME_TIME,
      { sinceMs: ms('2026-03-04T00:00:00Z') },
      'before-since',
    ],
    [
      'not in the S3 layout: always read',
      'exports/case.zip',
      { sinceMs: ms('2030-01-01T00:00:00Z'), regions: new Set(['x']) },
      null,
    ],
  ])('%s', (_name, path, filter, expected) => {
    expect(skipReason(path, filter)).toBe(expected);
  });
});

describe('index --since/--until/--region on samples/AWSLogs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-keyfilter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens only the files of those days and region, loses no event inside, and says what it skipped', () => {
    const db = join(dir, 'filtered.db');
    const result = runCli([
      'index',
      SAMPLE_LOGS,
      '--db',
      db,
      '--workers',
      '0',
      '--since',
      '2026-03-03T14:00Z',
      '--until',
      '2026-03-03T15:00Z',
      '--region',
      'us-east-1',
    ]);
    expect(result.status).toBe(0);
    const wanted = sampleRecords()
      .filter(
        (record) =>
          record.awsRegion === 'us-east-1' &&
          record.eventTime >= '2026-03-03T14:00:00Z' &&
          record.eventTime <= '2026-03-03T15:00:00Z',
      )
      .map((record) => record.eventID)
      .sort();
    const ids = runCli([
      'sql',
      "SELECT event_id FROM events WHERE aws_region = 'us-east-1' " +
        "AND event_time BETWEEN '2026-03-03T14:00:00Z' AND '2026-03-03T15:00:00Z' ORDER BY 1",
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect((JSON.parse(ids.stdout) as { event_id: string }[]).map((row) => row.event_id)).toEqual(wanted);
    const files = JSON.parse(
      runCli(['sql', 'SELECT count(*) AS n FROM files', '--db', db, '--format', 'json']).stdout,
    )[0].n as number;
    expect(files).toBe(154);
    const skipped = new RegExp(
      'skipped unopened, by S3 key: (\\d+) files \\((\\d+) delivered before --since, ' +
        '(\\d+) delivered after --until, (\\d+) another region\\)',
    ).exec(result.stderr);
    expect(skipped).not.toBeNull();
    const [, total, before, after, region] = skipped!.map(Number);
    expect(before! + after! + region!).toBe(total);
    expect(total! + files).toBe(
      readdirSync(SAMPLE_LOGS, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length,
    );
    expect(result.stderr).toContain(`indexed: ${files} files`);
  }, 120_000);

  it('a bad --since is a usage error naming the flag', () => {
    const result = runCli(['index', SAMPLE_LOGS, '--db', join(dir, 'x.db'), '--since', 'yesterday']);
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 2,
      stderr:
        'error: bad --since\n' +
        ' reason: "yesterday" is not a time: use 24h, 7d, 2024-05-01 or 2024-05-01T12:00Z\n' +
        '   help: for example --since 7d or --since 2026-03-01\n',
    });
  });
});
