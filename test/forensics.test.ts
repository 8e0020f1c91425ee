import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../src/search/compile.js';
import { SUMMARY_DIMENSIONS, summarize } from '../src/forensics/summary.js';
import type { SummaryDimension } from '../src/forensics/summary.js';
import { buildTimeline, targetOf } from '../src/forensics/timeline.js';
import { shortIdentity } from '../src/present/event-row.js';
import type { IdentityColumns } from '../src/search/event-identity.js';
import { indexInto } from './helpers/temp-index.js';
import { runCli } from './helpers/run-cli.js';
import { indexSamplesForSuite, SAMPLE_LOGS as SAMPLES } from './helpers/samples.js';
import type { Rec } from './helpers/samples.js';

const FIXTURES = new URL('./fixtures', import.meta.url).pathname;
const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const shortAction = (r: Rec) => `${String(r.eventSource).replace(/\.amazonaws\.com$/, '')}:${r.eventName}`;
const byTime = (a: Rec, b: Rec) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0);
const ATTACK_IP = '198.51.100.23';

/** An identity field as the index keeps it: CloudTrail writes `"accessKeyId": ""` for root, which means none. */
const identityField = (r: Rec, name: string): string | null =>
  typeof r.userIdentity?.[name] === 'string' && r.userIdentity[name] !== '' ? r.userIdentity[name] : null;

/** What `summary --by` groups on, asked of a raw record. */
const GROUP_OF: Record<SummaryDimension, (r: Rec) => string | null> = {
  identity: (r) =>
    identityField(r, 'arn') ??
    identityField(r, 'invokedBy') ??
    identityField(r, 'userName') ??
    identityField(r, 'type'),
  ip: (r) => r.sourceIPAddress ?? null,
  key: (r) => identityField(r, 'accessKeyId'),
  action: shortAction,
};
const COLUMN_OF: Record<SummaryDimension, string> = {
  identity: 'identity',
  ip: 'source_ip',
  key: 'access_key',
  action: 'action',
};

/** The summary of `records`, computed in plain TypeScript: most events first, then by group value. */
function expectedSummary(records: Rec[], by: SummaryDimension): Record<string, unknown>[] {
  const groups = new Map<string | null, Rec[]>();
  for (const r of records) groups.set(GROUP_OF[by](r), [...(groups.get(GROUP_OF[by](r)) ?? []), r]);
  const distinct = (rs: Rec[], value: (r: Rec) => unknown) =>
    new Set(rs.map(value).filter((v) => v !== undefined && v !== null)).size;
  const rows = [...groups].map(([key, rs]) => {
    const times = rs.map((r) => r.eventTime as string).sort();
    return {
      [COLUMN_OF[by]]: key,
      first_seen: times[0],
      last_seen: times.at(-1),
      events: rs.length,
      actions: distinct(rs, shortAction),
      source_ips: distinct(rs, (r) => r.sourceIPAddress),
      regions: distinct(rs, (r) => r.awsRegion),
      errors: rs.filter((r) => r.errorCode !== undefined).length,
      ...(by === 'identity' ? { access_keys: distinct(rs, (r) => identityField(r, 'accessKeyId')) } : {}),
    };
  });
  const key = (row: Record<string, unknown>) => row[COLUMN_OF[by]] as string | null;
  return rows.sort(
    (a, b) =>
      b.events - a.events ||
      (key(a) === key(b) ? 0 : key(a) === null ? -1 : key(b) === null ? 1 : key(a)! < key(b)! ? -1 : 1),
  );
}

/** samples/README.md's story, as the timeline must tell it. */
const ATTACK_TIMELINE =
  'time                  identity   action                      target          source_ip      result\n' +
  `--------------------  ---------  --------------------------  --------------  -------------  ---------------------
2026-03-03T14:02:11Z  ci-deploy  sts:GetCallerIdentity                       198.51.100.23  OK
2026-03-03T14:03:02Z  ci-deploy  iam:ListUsers                               198.51.100.23  AccessDenied
2026-03-03T14:03:09Z  ci-deploy  iam:ListRoles                               198.51.100.23  AccessDenied
2026-03-03T14:03:30Z  ci-deploy  s3:ListBuckets                              198.51.100.23  OK
2026-03-03T14:04:12Z  ci-deploy  secretsmanager:ListSecrets                  198.51.100.23  AccessDeniedException
2026-03-03T14:04:40Z  ci-deploy  ssm:DescribeParameters                      198.51.100.23  AccessDeniedException
2026-03-03T14:05:05Z  ci-deploy  ecs:ListClusters                            198.51.100.23  OK
2026-03-03T14:05:21Z  ci-deploy  ec2:DescribeRegions                         198.51.100.23  OK
2026-03-03T14:09:48Z  ci-deploy  ecs:RegisterTaskDefinition  system-update   198.51.100.23  OK
2026-03-03T14:10:30Z  ci-deploy  ecs:CreateCluster           default-sync    198.51.100.23  OK
2026-03-03T14:11:02Z  ci-deploy  ecs:CreateService           default-sync    198.51.100.23  OK
2026-03-03T14:12:15Z  ci-deploy  ecs:RunTask                 default-sync    198.51.100.23  OK
2026-03-03T14:14:40Z  ci-deploy  iam:CreateAccessKey         backup-admin    198.51.100.23  OK
2026-03-03T14:15:55Z  ci-deploy  cloudtrail:DeleteTrail      acme-org-trail  198.51.100.23  AccessDenied
`;

describe('targetOf', () => {
  it.each([
    ['the first common key, in order', '{"taskDefinition":"web:5","cluster":"prod"}', null, 'prod'],
    ['a later key when earlier ones are absent', '{"bucketName":"logs","key":"a/b"}', null, 'logs'],
    ['numbers as text', '{"name":7}', null, '7'],
    ['objects and empty strings skipped', '{"cluster":{"arn":"x"},"serviceName":"","roleName":"r"}', null, 'r'],
    [
      'the first resource ARN when no key names a target',
      '{"maxResults":5}',
      'arn:aws:iam::1:user/u',
      'arn:aws:iam::1:user/u',
    ],
    ['none for no parameters and no resources', null, null, null],
    ['none for a non-object', '[1,2]', null, null],
    ['none for text that is not JSON', '{', null, null],
  ])('%s', (_, parameters, resource, expected) => {
    expect(targetOf(parameters, resource)).toBe(expected);
  });
});

describe('forensic commands over samples/, answers computed from the raw files', () => {
  const suite = indexSamplesForSuite();
  const attack = () => suite.records.filter((r) => r.sourceIPAddress === ATTACK_IP).sort(byTime);

  it(`summary "ip:${ATTACK_IP}" --by identity: one identity, first and last seen, counts`, () => {
    const rows = [...summarize(suite.db, compileQuery(`ip:${ATTACK_IP}`), { by: 'identity', limit: null }).rows];
    expect(rows).toEqual(expectedSummary(attack(), 'identity'));
    expect(rows).toEqual([
      {
        identity: 'arn:aws:iam::111122223333:user/ci-deploy',
        first_seen: '2026-03-03T14:02:11Z',
        last_seen: '2026-03-03T14:15:55Z',
        events: 14,
        actions: 14,
        source_ips: 1,
        regions: 2,
        errors: 5,
        access_keys: 1,
      },
    ]);
  });

  it.each(SUMMARY_DIMENSIONS)('summary of every event --by %s', (by) => {
    expect([...summarize(suite.db, compileQuery(''), { by, limit: null }).rows]).toEqual(
      expectedSummary(suite.records, by),
    );
  });

  it('summary of a filtered query, with a limit that says when it cut', () => {
    const denied = suite.records.filter((r) => String(r.errorCode ?? '').startsWith('AccessDenied'));
    const full = expectedSummary(denied, 'ip');
    const limited = summarize(suite.db, compileQuery('error:AccessDenied*'), { by: 'ip', limit: 2 });
    expect([...limited.rows]).toEqual(full.slice(0, 2));
    expect(limited.truncated).toBe(full.length > 2);
    const exact = summarize(suite.db, compileQuery('error:AccessDenied*'), { by: 'ip', limit: full.length });
    expect([...exact.rows]).toHaveLength(full.length);
    expect(exact.truncated).toBe(false);
  });

  it('timeline: oldest first, with the action, target and result of each event', () => {
    const entries = [...buildTimeline(suite.db, compileQuery('user:ci-deploy'), { limit: null }).rows];
    const identityValues = (r: Rec) => [
      r.userIdentity?.arn,
      r.userIdentity?.userName,
      r.userIdentity?.principalId,
      r.userIdentity?.sessionContext?.sessionIssuer?.arn,
      r.userIdentity?.sessionContext?.sessionIssuer?.userName,
    ];
    const expected = suite.records.filter((r) =>
      identityValues(r).some((v) => typeof v === 'string' && v.toLowerCase() === 'ci-deploy'),
    );
    expect(entries.map((e) => e.event_id).sort()).toEqual(expected.map((r) => r.eventID).sort());
    const times = entries.map((e) => e.event_time!);
    expect(times).toEqual([...times].sort());
    const byId = new Map(expected.map((r) => [r.eventID, r]));
    for (const entry of entries) {
      const r = byId.get(entry.event_id)!;
      expect([entry.event_time, entry.action, entry.source_ip_address, entry.result]).toEqual([
        r.eventTime,
        shortAction(r),
        r.sourceIPAddress,
        r.errorCode ?? 'OK',
      ]);
    }
  });

  it('timeline --limit keeps the oldest events and says more follow', () => {
    const limited = buildTimeline(suite.db, compileQuery('source:ecs'), { limit: 25 });
    const rows = [...limited.rows];
    expect(rows.map((e) => e.event_time)).toEqual(
      suite.records
        .filter((r) => r.eventSource === 'ecs.amazonaws.com')
        .map((r) => r.eventTime)
        .sort()
        .slice(0, 25),
    );
    expect(limited.truncated).toBe(true);
  });

  it('CLI: timeline tells the attack story as a table, and as ndjson with event ids', () => {
    const table = runCli(['timeline', `ip:${ATTACK_IP}`, '--db', suite.dbPath]);
    expect([table.status, table.stderr]).toEqual([0, '']);
    expect(table.stdout).toBe(ATTACK_TIMELINE);
    const ndjson = runCli(['timeline', `ip:${ATTACK_IP}`, '--format', 'ndjson', '--limit', '3', '--db', suite.dbPath]);
    expect(ndjson.status).toBe(0);
    expect(
      ndjson.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(
      attack()
        .slice(0, 3)
        .map((r) => ({
          time: r.eventTime,
          identity: 'ci-deploy',
          action: shortAction(r),
          target: null,
          source_ip: ATTACK_IP,
          result: r.errorCode ?? 'OK',
          event_id: r.eventID,
        })),
    );
    expect(ndjson.stderr).toBe(
      'warning: showing the oldest 3 matching events\n reason: more events match\n' +
        '   help: raise --limit (0 for all), or narrow the query with since: and until:\n',
    );
  });

  it('CLI: summary formats, and usage errors exit 2', () => {
    const csv = runCli(['summary', `ip:${ATTACK_IP}`, '--format', 'csv', '--db', suite.dbPath]);
    expect([csv.status, csv.stderr]).toEqual([0, '']);
    expect(csv.stdout).toBe(
      'identity,first_seen,last_seen,events,actions,source_ips,regions,errors,access_keys\r\n' +
        'arn:aws:iam::111122223333:user/ci-deploy,2026-03-03T14:02:11Z,2026-03-03T14:15:55Z,14,14,1,2,5,1\r\n',
    );
    const json = runCli(['summary', '--by', 'key', '--format', 'json', '--db', suite.dbPath]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expectedSummary(suite.records, 'key'));
    const limited = runCli(['summary', '--by', 'action', '--limit', '1', '--format', 'ndjson', '--db', suite.dbPath]);
    expect(limited.stdout.trim().split('\n')).toHaveLength(1);
    expect(limited.stderr).toBe(
      'warning: showing the top 1 rows\n reason: more groups match\n   help: raise --limit, or 0 for all\n',
    );
    expect(runCli(['summary', '--by', 'region', '--db', suite.dbPath]).status).toBe(2);
    const badLimit = runCli(['timeline', '', '--limit', '-5', '--db', suite.dbPath]);
    expect([badLimit.status, badLimit.stderr]).toEqual([
      2,
      'error: bad --limit\n reason: expected a whole number, 0 or more; got -5\n   help: use --limit 0 for no limit\n',
    ]);
    const badQuery = runCli(['summary', 'acton:RunTask', '--db', suite.dbPath]);
    expect(badQuery.status).toBe(2);
    expect(badQuery.stderr).toContain('did you mean "action:"?');
    expect(runCli(['timeline', '--db', suite.dbPath]).status).toBe(2);
  });

  /** The statement `COMMAND --sql --format json` prints, run by `trailhound sql`: its rows as JSON. */
  function runPrintedStatement(args: string[]): Record<string, unknown>[] {
    const printed = runCli([...args, '--sql', '--format', 'json']);
    expect([printed.status, printed.stderr]).toEqual([0, '']);
    const { sql, params } = JSON.parse(printed.stdout) as { sql: string; params: unknown[] };
    const viaSql = runCli(['sql', sql, '--params', JSON.stringify(params), '--format', 'json', '--db', suite.dbPath]);
    expect([viaSql.status, viaSql.stderr]).toEqual([0, '']);
    return JSON.parse(viaSql.stdout);
  }

  it.each([
    ['', 'identity', '0'],
    [`ip:${ATTACK_IP}`, 'identity', '0'],
    ['error:AccessDenied*', 'ip', '0'],
    ['source:ecs', 'key', '0'],
    ['since:2026-03-03 until:2026-03-04', 'action', '5'],
  ])('CLI: summary %j --by %s --limit %s --sql prints the statement whose rows are the summary', (query, by, limit) => {
    const summary = runCli(['summary', query, '--by', by, '--limit', limit, '--format', 'json', '--db', suite.dbPath]);
    expect(summary.status).toBe(0);
    const rows = JSON.parse(summary.stdout) as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    expect(runPrintedStatement(['summary', query, '--by', by, '--limit', limit])).toEqual(rows);
  });

  it.each([
    [`ip:${ATTACK_IP}`, '1000'],
    ['source:ecs', '40'],
  ])(
    'CLI: timeline %j --limit %s --sql prints the statement of the same events, in order,' +
      ' with the columns each line is made of',
    (query, limit) => {
      const timeline = runCli(['timeline', query, '--limit', limit, '--format', 'json', '--db', suite.dbPath]);
      expect(timeline.status).toBe(0);
      const lines = JSON.parse(timeline.stdout) as unknown[];
      expect(lines.length).toBeGreaterThan(0);
      const rows = runPrintedStatement(['timeline', query, '--limit', limit]) as (IdentityColumns &
        Record<string, string | null>)[];
      expect(
        rows.map((row) => ({
          time: row['event_time'],
          identity: shortIdentity(row),
          action: row['action'],
          target: targetOf(row['request_parameters'] ?? null, row['first_resource_arn'] ?? null),
          source_ip: row['source_ip_address'],
          result: row['error_code'] ?? 'OK',
          event_id: row['event_id'],
        })),
      ).toEqual(lines);
    },
  );

  it('CLI: --sql without a format prints the statement and a comment with its --params, and opens no database', () => {
    const printed = runCli(['summary', `ip:${ATTACK_IP}`, '--by', 'ip', '--sql', '--db', join(suite.dir, 'absent.db')]);
    expect([printed.status, printed.stderr]).toEqual([0, '']);
    const { sql, params } = JSON.parse(
      runCli(['summary', `ip:${ATTACK_IP}`, '--by', 'ip', '--sql', '--format', 'json']).stdout,
    );
    expect(printed.stdout).toBe(`${sql};\n-- --params '${JSON.stringify(params)}'\n`);
    expect(existsSync(join(suite.dir, 'absent.db'))).toBe(false);
  });

  it('CLI: every forensic command has help', () => {
    for (const command of ['summary', 'timeline', 'export']) {
      const help = runCli([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`trailhound ${command}`);
      expect(help.stdout).toContain('--db');
    }
  });

  it('export: the records verbatim, oldest first, with a manifest and provenance pointing at the raw files', () => {
    const out = join(suite.dir, 'attack');
    const result = runCli(['export', `ip:${ATTACK_IP}`, '--out', out, '--db', suite.dbPath]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `exported 14 events to ${out} (events.ndjson, provenance.ndjson, manifest.json)\n` +
        'source files: 14 not verified\n',
    );
    expect(readdirSync(out).sort()).toEqual(['events.ndjson', 'manifest.json', 'provenance.ndjson']);

    const eventsText = readFileSync(join(out, 'events.ndjson'), 'utf8');
    const lines = eventsText.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(attack());

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'trailhound-export/1',
      tool: { name: 'trailhound', version: VERSION },
      database: suite.dbPath,
      query: `ip:${ATTACK_IP}`,
      params: [ATTACK_IP.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)],
      count: 14,
      verification: { 'not verified': 14 },
    });
    expect(manifest.sql).toContain("LEFT JOIN verification v ON v.path = f.path AND v.kind = 'log'");
    expect(Number.isNaN(Date.parse(manifest.exported_at))).toBe(false);
    for (const name of ['events', 'provenance'] as const) {
      const bytes = readFileSync(join(out, `${name}.ndjson`));
      expect(manifest.files[name]).toEqual({
        path: `${name}.ndjson`,
        sha256: sha256(bytes),
        size_bytes: bytes.length,
      });
    }

    const provenance = readFileSync(join(out, 'provenance.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(provenance).toHaveLength(lines.length);
    provenance.forEach((entry, i) => expectProvenance(entry, i, lines[i]!, 'not verified'));
  });

  it("export after verify: each record carries its file's verdict", () => {
    const verify = runCli([
      'verify',
      SAMPLES,
      '--public-keys',
      join(SAMPLES, '../public-keys.json'),
      '--signatures',
      join(SAMPLES, '../digest-signatures.json'),
      '--db',
      suite.dbPath,
    ]);
    expect(verify.status).toBe(0);
    const out = join(suite.dir, 'all');
    const result = runCli(['export', '', '--out', out, '--db', suite.dbPath]);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.count).toBe(suite.records.length);
    const lines = readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n');
    const ids = lines.map((line) => JSON.parse(line).eventID);
    expect(new Set(ids)).toEqual(new Set(suite.records.map((r) => r.eventID)));
    expect(lines.map((line) => JSON.parse(line).eventTime)).toEqual(suite.records.map((r) => r.eventTime).sort());
    const provenance = readFileSync(join(out, 'provenance.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(provenance).toHaveLength(suite.records.length);
    provenance.forEach((entry, i) => expectProvenance(entry, i, lines[i]!, entry.verification));
    const verdicts: Record<string, number> = {};
    for (const entry of provenance) verdicts[entry.verification] = (verdicts[entry.verification] ?? 0) + 1;
    expect(manifest.verification).toEqual(verdicts);
    expect(Object.keys(verdicts).sort()).toEqual(['not-covered', 'valid']);
    for (const entry of provenance.filter((p) => attack().some((r) => r.eventID === p.event_id))) {
      expect(entry.verification).toBe('valid');
      expect(entry.verification_detail).toMatch(/^SHA-256 matches 111122223333_CloudTrail-Digest_/);
    }
  }, 60_000);

  it('export refuses a folder that is not empty, a file, and a bad query, writing nothing', () => {
    const busy = join(suite.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    const refused = runCli(['export', `ip:${ATTACK_IP}`, '--out', busy, '--db', suite.dbPath]);
    expect([refused.status, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `error: will not export into ${busy}\n` +
        ' reason: the folder is not empty (1 entry)\n' +
        '   help: give --out a new or empty folder\n',
    ]);
    expect(readdirSync(busy)).toEqual(['notes.txt']);
    const file = join(busy, 'notes.txt');
    expect(runCli(['export', '', '--out', file, '--db', suite.dbPath]).stderr).toBe(
      `error: will not export into ${file}\n` +
        ' reason: it is a file, not a folder\n' +
        '   help: give --out a new or empty folder\n',
    );
    const fresh = join(suite.dir, 'never');
    expect(runCli(['export', 'acton:RunTask', '--out', fresh, '--db', suite.dbPath]).status).toBe(2);
    expect(runCli(['export', '', '--out', fresh, '--db', join(suite.dir, 'missing.db')]).status).toBe(1);
    expect(existsSync(fresh)).toBe(false);
    expect(runCli(['export', '', '--db', suite.dbPath]).status).toBe(2);
  });

  it('export of nothing writes empty files and says so', () => {
    const out = join(suite.dir, 'empty');
    const result = runCli(['export', 'ip:10.9.9.9', '--out', out, '--db', suite.dbPath]);
    expect([result.status, result.stderr]).toEqual([
      0,
      `exported 0 events to ${out} (events.ndjson, provenance.ndjson, manifest.json)\n` +
        'no events matched the query; the files are empty\n',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect([manifest.count, manifest.files.events.sha256, manifest.verification]).toEqual([0, sha256(''), {}]);
  });
});

/** The raw file a provenance line names, read again: the record at its index must be the exported line. */
const rawFiles = new Map<string, { gz: Buffer; content: Buffer; records: Rec[] }>();
function rawFile(path: string) {
  let file = rawFiles.get(path);
  if (!file) {
    const gz = readFileSync(path);
    const content = gunzipSync(gz);
    file = { gz, content, records: JSON.parse(content.toString()).Records };
    rawFiles.set(path, file);
  }
  return file;
}

function expectProvenance(entry: Rec, i: number, line: string, verification: string): void {
  const record = JSON.parse(line);
  const raw = rawFile(entry.source_file);
  expect(entry).toEqual({
    line: i + 1,
    event_id: record.eventID,
    event_time: record.eventTime,
    source_file: entry.source_file,
    file_sha256: sha256(raw.gz),
    file_content_sha256: sha256(raw.content),
    record_index: entry.record_index,
    record_sha256: sha256(line),
    verbatim: true,
    verbatim_reason: null,
    verification,
    verification_detail: entry.verification_detail,
    verified_at: entry.verified_at,
  });
  expect(entry.source_file.startsWith(SAMPLES)).toBe(true);
  expect(raw.records[entry.record_index]).toEqual(record);
}

describe('forensic commands over hostile and pretty-printed input', () => {
  let dir: string;
  let dbPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-forensics-hostile-'));
    const hostile = JSON.parse(readFileSync(join(FIXTURES, 'single-event.json'), 'utf8'));
    Object.assign(hostile, {
      eventID: 'hostile-1',
      eventTime: '2026-03-02T11:00:00Z',
      userIdentity: { ...hostile.userIdentity, arn: 'arn:aws:iam::111122223333:user/ev\u001b]52;c;AAAA\u0007il' },
      requestParameters: { cluster: 'x\u001b[2J\u202eevil' },
      errorCode: 'Denied\r\nOK',
    });
    writeFileSync(join(dir, 'hostile.json'), JSON.stringify({ Records: [hostile] }));
    dbPath = (
      await indexInto([join(FIXTURES, 'single-event.json'), join(dir, 'hostile.json')], {
        dbPath: join(dir, 'index.db'),
      })
    ).dbPath;
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('timeline and summary tables escape control characters from the logs', () => {
    const timeline = runCli(['timeline', '', '--db', dbPath]);
    expect(timeline.status).toBe(0);
    expect(timeline.stdout).toBe(
      'time                  identity              action       target            source_ip    result\n' +
        '--------------------  --------------------  -----------  ----------------  -----------  ------------\n' +
        '2026-03-02T10:05:00Z  alice                 ecs:RunTask  prod              203.0.113.5  OK\n' +
        '2026-03-02T11:00:00Z  ev\\e]52;c;AAAA\\x07il  ecs:RunTask  x\\e[2J\\u202eevil  203.0.113.5  Denied\\r\\nOK\n',
    );
    const summary = runCli(['summary', '', '--db', dbPath]);
    expect(summary.stdout).toContain('arn:aws:iam::111122223333:user/ev\\e]52;c;AAAA\\x07il');
    expect(summary.stdout + timeline.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    const json = runCli(['timeline', '', '--format', 'json', '--db', dbPath]);
    expect(json.stdout).not.toContain('\u202e');
    expect(JSON.parse(json.stdout)[1].target).toBe('x\u001b[2J\u202eevil');
  });

  it('export keeps a pretty-printed record on one line and says it is not byte-for-byte', () => {
    const out = join(dir, 'out');
    expect(runCli(['export', 'action:RunTask', '--out', out, '--db', dbPath]).status).toBe(0);
    const lines = readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n');
    const provenance = readFileSync(join(out, 'provenance.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => JSON.parse(line).eventID)).toEqual([
      '00000000-0000-0000-0000-000000000005',
      'hostile-1',
    ]);
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'single-event.json'), 'utf8')));
    expect(provenance.map((p) => [p.record_index, p.verbatim, p.verification])).toEqual([
      [0, false, 'not verified'],
      [0, true, 'not verified'],
    ]);
    expect(lines[1]).toBe(JSON.stringify(JSON.parse(readFileSync(join(dir, 'hostile.json'), 'utf8')).Records[0]));
  });
});
