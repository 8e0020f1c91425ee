import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexInto, readIndex } from './helpers/temp-index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface FileRow {
  status: string;
  kind: string;
  format: string;
  events_read: number;
}

async function indexFixture(name: string) {
  const { summary, dbPath } = await indexInto([join(fixtures, name)]);
  const db = readIndex(dbPath);
  const file = db.prepare('SELECT status, kind, format, events_read FROM files').get() as FileRow;
  const eventIds = (
    db.prepare('SELECT event_id FROM events ORDER BY record_index').all() as { event_id: string | null }[]
  ).map((row) => row.event_id);
  const problems = db.prepare('SELECT stage, position, reason FROM problems ORDER BY id').all() as {
    stage: string;
    position: string | null;
    reason: string;
  }[];
  return { summary, db, file, eventIds, problems };
}

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

describe('reader shapes, chosen by content', () => {
  test.each([
    ['records-object.json', 'records', [id(1), id(2)]],
    ['bare-array.json', 'array', [id(3), id(4)]],
    ['single-event.json', 'object', [id(5)]],
    ['ndjson-events.jsonl', 'ndjson', [id(6), id(7)]],
    ['ndjson-records-batches.jsonl', 'ndjson', [id(8), id(9), id(10)]],
    ['utf8-bom.json', 'records', [id(14)]],
    ['empty-array.json', 'array', []],
  ])('%s is read as %s', async (name, format, expectedIds) => {
    const { file, eventIds, problems } = await indexFixture(name);
    expect(file).toEqual({
      status: 'done',
      kind: expectedIds.length > 0 ? 'log' : 'other',
      format,
      events_read: expectedIds.length,
    });
    expect(eventIds).toEqual(expectedIds);
    expect(problems).toEqual([]);
  });
});

describe('wrong shapes are recorded, never dropped silently', () => {
  test('Records that is not an array', async () => {
    const { file, problems } = await indexFixture('records-is-a-number.json');
    expect(file.status).toBe('done');
    expect(problems).toEqual([
      {
        stage: 'normalize',
        position: 'record 0, line 1, byte 0',
        reason: '"Records" is a number, not an array of events',
      },
    ]);
  });

  test('records that are strings, numbers or null; the event beside them is kept', async () => {
    const { eventIds, problems } = await indexFixture('records-holding-non-objects.json');
    expect(eventIds).toEqual([id(11)]);
    expect(problems.map((problem) => problem.reason)).toEqual([
      'a record must be a JSON object, not a string',
      'a record must be a JSON object, not a number',
      'a record must be a JSON object, not null',
    ]);
  });

  test('a file truncated mid-record keeps the records before the cut', async () => {
    const { eventIds, problems, file } = await indexFixture('truncated-mid-record.json');
    expect(eventIds).toEqual([id(12)]);
    expect(file.status).toBe('done');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.reason).toMatch(/^the file ends inside a JSON value \(truncated at byte \d+\)$/);
    expect(problems[0]!.position).toMatch(/^record 1, line 1, byte \d+$/);
  });

  test('an invalid JSON line in NDJSON is skipped with its line number', async () => {
    const { eventIds, problems } = await indexFixture('invalid-json-record.jsonl');
    expect(eventIds).toEqual([id(48), id(49)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toMatch(/^record 1, line 2, byte \d+$/);
    expect(problems[0]!.reason).toMatch(/^invalid JSON: /);
  });

  test.each([
    ['not-json.txt', 'not JSON: unexpected byte 0x68', 'failed'],
    ['s3-event-notification.json', 'an aws:s3 event notification, not a CloudTrail event', 'done'],
    [
      'api-catalogue-entry.json',
      'not a CloudTrail event (keys: eventName, eventSource, awsService, description)',
      'done',
    ],
  ])('%s is rejected: %s', async (name, reason, status) => {
    const { eventIds, problems, file } = await indexFixture(name);
    expect(eventIds).toEqual([]);
    expect(file.status).toBe(status);
    expect(file.kind).toBe('other');
    expect(problems.map((problem) => problem.reason)).toEqual([reason]);
  });
});

describe('wrappers seen in the wild are unwrapped', () => {
  test.each([
    [
      'cloudwatch-logs-envelope.json',
      [id(45)],
      ['invalid JSON: Unexpected token \'o\', "not json at all" is not valid JSON'],
    ],
    ['lookup-events-output.jsonl', [id(46)], []],
    ['panther-test-case.jsonl', [id(47)], []],
  ])('%s', async (name, expectedIds, reasons) => {
    const { eventIds, problems, db } = await indexFixture(name);
    expect(eventIds).toEqual(expectedIds);
    expect(problems.map((problem) => problem.reason)).toEqual(reasons);
    const record = db.prepare('SELECT record FROM events').get() as { record: string };
    expect(JSON.parse(record.record).eventID).toBe(expectedIds[0]);
  });
});

describe('quirks of real records (CLOUDTRAIL.md §3)', () => {
  test('every eventTime variant becomes ISO-8601 UTC; a non-time is kept as NULL with a problem', async () => {
    const { db, problems } = await indexFixture('time-variants.jsonl');
    const times = (
      db.prepare('SELECT event_time FROM events ORDER BY record_index').all() as { event_time: string | null }[]
    ).map((row) => row.event_time);
    expect(times).toEqual([
      '2024-12-12T16:04:32Z',
      '2022-12-11T19:42:55Z',
      '2024-09-11T09:28:29Z',
      '2013-11-02T01:06:28Z',
      '2024-11-04T19:56:35Z',
      '2022-02-07T22:23:37Z',
      null,
    ]);
    expect(problems.map((problem) => problem.reason)).toEqual([
      'eventTime "ThisIsAWrongEventTime" is not a time; kept with no time',
    ]);
  });

  test('Logstash output with only @timestamp', async () => {
    const { db } = await indexFixture('logstash-timestamp-only.jsonl');
    expect(db.prepare('SELECT event_time FROM events').get()).toEqual({ event_time: '2020-09-14T00:44:23Z' });
  });

  test('string booleans map to 1/0/NULL', async () => {
    const { db } = await indexFixture('string-booleans.json');
    expect(db.prepare('SELECT read_only, management_event FROM events ORDER BY record_index').all()).toEqual([
      { read_only: 1, management_event: 0 },
      { read_only: null, management_event: 1 },
    ]);
  });

  test('an API version suffix is stripped into event_name_base, the raw name kept', async () => {
    const { db } = await indexFixture('versioned-event-name.json');
    expect(db.prepare('SELECT event_name, event_name_base FROM events').get()).toEqual({
      event_name: 'UpdateFunctionCode20150331v2',
      event_name_base: 'UpdateFunctionCode',
    });
  });

  test('sourceIPAddress is kept raw and its first address extracted', async () => {
    const { db } = await indexFixture('comma-source-ip.json');
    expect(db.prepare('SELECT source_ip_address, source_ip FROM events ORDER BY record_index').all()).toEqual([
      { source_ip_address: '81.2.69.142, 192.168.10.10', source_ip: '81.2.69.142' },
      { source_ip_address: 'AWS Internal', source_ip: null },
      { source_ip_address: 'ecs.amazonaws.com', source_ip: null },
      { source_ip_address: '2001:DB8::1', source_ip: '2001:db8::1' },
    ]);
  });

  test('a null or typeless userIdentity still yields what is there', async () => {
    const { db } = await indexFixture('identity-null-or-typeless.json');
    expect(
      db
        .prepare(
          'SELECT user_identity_type, user_identity_invoked_by, user_identity_account_id FROM events ' +
            'ORDER BY record_index',
        )
        .all(),
    ).toEqual([
      { user_identity_type: null, user_identity_invoked_by: null, user_identity_account_id: null },
      {
        user_identity_type: null,
        user_identity_invoked_by: 'cloudformation.amazonaws.com',
        user_identity_account_id: '111122223333',
      },
    ]);
  });

  test('an assumed role carries its session issuer and MFA flag', async () => {
    const { db } = await indexFixture('assumed-role-session.json');
    expect(
      db
        .prepare(
          'SELECT user_identity_type, user_identity_access_key_id, session_issuer_arn, session_issuer_type, ' +
            'session_mfa_authenticated FROM events',
        )
        .get(),
    ).toEqual({
      user_identity_type: 'AssumedRole',
      user_identity_access_key_id: 'ASIAEXAMPLE000000001',
      session_issuer_arn: 'arn:aws:iam::111122223333:role/Admin',
      session_issuer_type: 'Role',
      session_mfa_authenticated: 1,
    });
  });

  test('an Insight event, without identity, source or name, is kept', async () => {
    const { db } = await indexFixture('insight-event.json');
    expect(
      db.prepare('SELECT event_id, event_type, event_category, event_name, user_identity_type FROM events').get(),
    ).toEqual({
      event_id: 'insight-0001',
      event_type: 'AwsCloudTrailInsight',
      event_category: 'Insight',
      event_name: null,
      user_identity_type: null,
    });
  });

  test('the same eventID twice is stored once', async () => {
    const { eventIds, summary } = await indexFixture('duplicate-event-ids.jsonl');
    expect(eventIds).toEqual([id(41), id(42)]);
    expect(summary.eventsRead).toBe(3);
    expect(summary.eventsNew).toBe(2);
  });

  test('records without an eventID are kept, once per distinct content', async () => {
    const { eventIds } = await indexFixture('records-without-event-id.json');
    expect(eventIds).toEqual([null, null]);
  });

  test('Unicode escapes are decoded for search, the record kept verbatim', async () => {
    const { db } = await indexFixture('unicode-escapes.json');
    const row = db.prepare('SELECT record, request_parameters FROM events').get() as {
      record: string;
      request_parameters: string;
    };
    expect(row.record).toContain('\\u0027');
    expect(JSON.parse(row.request_parameters)).toEqual({ policy: "it's <b>" });
    const hit = db.prepare(`SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH '"it''s"'`).get();
    expect(hit).toEqual({ n: 1 });
  });
});

describe('digests', () => {
  test('a digest file is recorded as a digest, with its chain fields decoded, not as events', async () => {
    const { db, file, eventIds, problems } = await indexFixture('digest-with-escaped-slashes.json');
    expect(eventIds).toEqual([]);
    expect(problems).toEqual([]);
    expect(file).toEqual({ status: 'done', kind: 'digest', format: 'object', events_read: 0 });
    expect(
      db
        .prepare(
          'SELECT account_id, region, digest_end_time, digest_s3_object, previous_digest_s3_object, ' +
            'public_key_fingerprint, log_file_count FROM digests',
        )
        .get(),
    ).toEqual({
      account_id: '111122223333',
      region: 'eu-west-1',
      digest_end_time: '2026-03-02T11:00:00Z',
      digest_s3_object:
        'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/' +
        '111122223333_CloudTrail-Digest_eu-west-1_acme_us-east-1_20260302T110000Z.json.gz',
      previous_digest_s3_object:
        'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/' +
        '111122223333_CloudTrail-Digest_eu-west-1_acme_us-east-1_20260302T100000Z.json.gz',
      public_key_fingerprint: '7f3f401420072e50a65a141430817ab3',
      log_file_count: 1,
    });
  });
});
