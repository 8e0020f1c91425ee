import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexInto, readIndex, tempDir } from './helpers/temp-index.js';
import { runCli } from './helpers/run-cli.js';

/**
 * Issue 13: no record lost, altered or hidden, whatever the logs contain. Every file here is built
 * at test time from the bytes written below, so the expected bytes are the ones on disk.
 */

const id = (n: number) => `13000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

/** A plain event, as CloudTrail writes it, compact. */
function event(n: number, extra = ''): string {
  const minute = String(n % 60).padStart(2, '0');
  return (
    `{"eventVersion":"1.08","eventTime":"2026-03-02T10:${minute}:00Z","eventSource":"ec2.amazonaws.com",` +
    `"eventName":"RunInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.${n}","userAgent":"cli",` +
    `"userIdentity":{"type":"IAMUser","userName":"alice"},"eventID":"${id(n)}"${extra}}`
  );
}

/** 1,001 levels: one past what SQLite's JSON functions accept; dated in the future, so it sorts first. */
function deepEvent(n: number, depth = 1001): string {
  const nesting = '['.repeat(depth) + ']'.repeat(depth);
  return `{"eventTime":"2099-01-01T00:00:00Z","eventID":"${id(n)}","requestParameters":${nesting}}`;
}

/** The shapes a record arrives in; `wrap` builds a file's bytes from record texts. */
const SHAPES: Record<string, (records: readonly string[]) => string> = {
  'Records first': (records) => `{"Records":[${records.join(',')}]}`,
  'Records not first': (records) => `{"note":"re-serialised","Records":[${records.join(',')}],"after":1}`,
  'bare array': (records) => `[${records.join(',\n')}]`,
  NDJSON: (records) => records.join('\n') + '\n',
  'Panther test cases': (records) =>
    records.map((record) => `{"name":"case","event":${record},"log":"AWS.CloudTrail"}`).join('\n'),
  'CloudWatch Logs envelope': (records) => {
    const logEvents = records.map((record, i) => `{"id":"${i}","timestamp":1,"message":${JSON.stringify(record)}}`);
    return `{"messageType":"DATA_MESSAGE","logGroup":"trail","logEvents":[${logEvents.join(',')}]}`;
  },
  'lookup-events lines': (records) =>
    records.map((record) => `{"EventId":"x","CloudTrailEvent":${JSON.stringify(record)}}`).join('\n'),
  'lookup-events output': (records) =>
    `{"Events":[${records.map((record) => `{"EventId":"x","CloudTrailEvent":${JSON.stringify(record)}}`).join(',')}]}`,
};

async function indexBytes(name: string, bytes: Buffer | string) {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const { dbPath } = await indexInto([path]);
  const db = readIndex(dbPath);
  const problems = db.prepare('SELECT position, stage, reason FROM problems ORDER BY id').all() as {
    position: string;
    stage: string;
    reason: string;
  }[];
  const eventIds = (db.prepare('SELECT event_id FROM events ORDER BY event_id').all() as { event_id: string }[]).map(
    (row) => row.event_id,
  );
  return { dir, path, dbPath, db, problems, eventIds };
}

describe('no record can break the index (issue 13, item 1)', () => {
  test.each(Object.keys(SHAPES))(
    '%s: a record deeper than SQLite accepts is one problem; every query still works',
    async (shape) => {
      const { db, problems, eventIds } = await indexBytes(
        'deep.json',
        SHAPES[shape]!([event(1), deepEvent(2), event(3)]),
      );
      expect(eventIds).toEqual([id(1), id(3)]);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.reason).toBe('record nested deeper than 512 levels');
      expect(problems[0]!.position).toMatch(/^record \d+, line \d+, byte \d+/);
      // Every JSON column of the view, newest first: what `search ""` and the terminal UI read.
      const rows = db
        .prepare(
          'SELECT event_id, user_agent, event_type, request_parameters, record FROM events ORDER BY event_time DESC',
        )
        .all();
      expect(rows).toHaveLength(2);
    },
  );

  test('search "" and sql over events answer after indexing a 1,001-deep record in a CloudWatch envelope', async () => {
    const { dbPath } = await indexBytes('cw.json', SHAPES['CloudWatch Logs envelope']!([deepEvent(4), event(5)]));
    const search = runCli(['search', '', '--format', 'ndjson', '--db', dbPath]);
    expect({ status: search.status, stderr: search.stderr }).toEqual({ status: 0, stderr: '' });
    expect(
      search.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).eventID),
    ).toEqual([id(5)]);
    const sql = runCli([
      'sql',
      'SELECT count(*) AS n, max(user_agent) AS ua FROM events',
      '--format',
      'json',
      '--db',
      dbPath,
    ]);
    expect({ status: sql.status, stdout: JSON.parse(sql.stdout) }).toEqual({
      status: 0,
      stdout: [{ n: 1, ua: 'cli' }],
    });
  });
});

describe('no record lost after a bad one (issue 13, item 2)', () => {
  test.each(Object.keys(SHAPES))(
    '%s: a 200,000-deep record is one problem and the records after it are indexed',
    async (shape) => {
      const { problems, eventIds } = await indexBytes(
        'deeper.json',
        SHAPES[shape]!([event(6), deepEvent(7, 200_000), event(8), event(9)]),
      );
      expect(eventIds).toEqual([id(6), id(8), id(9)]);
      expect(problems.map((problem) => problem.reason)).toEqual(['record nested deeper than 512 levels']);
    },
  );

  test('a record too large and a value that is not an event are a problem each; the NDJSON goes on', async () => {
    const huge = event(11, `,"requestParameters":{"blob":"${'x'.repeat(9 * 1024 * 1024)}"}`);
    const { problems, eventIds } = await indexBytes('mixed.jsonl', [event(10), huge, '42', event(12)].join('\n'));
    expect(eventIds).toEqual([id(10), id(12)]);
    expect(problems.map((problem) => [problem.position.split(',')[0], problem.reason])).toEqual([
      ['record 1', `record of ${huge.length} bytes exceeds the 8388608-byte limit`],
      ['record 2', 'a record must be a JSON object, not a number'],
    ]);
  });
});

/** Numbers and text that any re-serialisation changes: big integers, 1e400, 1.0, duplicate keys, escapes. */
const TRICKY =
  ',"requestParameters":{"big":12345678901234567890123,"huge":1e400,"one":1.0,"dup":"first","dup":"second",' +
  '"esc":"\\u0027\\u003d\\/\\"q\\"","neg":-0}';

/** Invalid UTF-8 (a lone 0xFF and a cut 3-byte sequence) inside a string, around plain ASCII. */
function withInvalidUtf8(text: string): Buffer {
  const [head, tail] = text.split('INVALID');
  return Buffer.concat([Buffer.from(head!), Buffer.from([0xff, 0x41, 0xe2, 0x82]), Buffer.from(tail!)]);
}

function exportAll(dbPath: string) {
  const out = join(tempDir(), 'export');
  const result = runCli(['export', '', '--out', out, '--db', dbPath]);
  expect(result.status).toBe(0);
  const lines = splitLines(readFileSync(join(out, 'events.ndjson')));
  const provenance = readFileSync(join(out, 'provenance.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { lines, provenance };
}

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const end = bytes.indexOf(0x0a, start);
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return lines;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('verbatim means verbatim (issue 13, item 3)', () => {
  const BYTE_SHAPES = ['Records first', 'Records not first', 'bare array', 'NDJSON', 'Panther test cases'];

  test.each(BYTE_SHAPES)("%s: export writes each record's bytes exactly, invalid UTF-8 included", async (shape) => {
    const tricky = event(20, TRICKY);
    const invalid = event(21, ',"requestParameters":{"name":"INVALID"}').replace('INVALID', 'INVALID');
    const fileBytes = withInvalidUtf8(SHAPES[shape]!([tricky, invalid]));
    const { dbPath } = await indexBytes('tricky.json', fileBytes);
    const { lines, provenance } = exportAll(dbPath);
    const expected = [Buffer.from(tricky), withInvalidUtf8(invalid)];
    expect(lines.map((line) => line.toString('hex'))).toEqual(expected.map((bytes) => bytes.toString('hex')));
    expect(provenance.map((entry) => [entry.verbatim, entry.verbatim_reason, entry.record_sha256])).toEqual(
      expected.map((bytes) => [true, null, sha256(bytes)]),
    );
    // And the file holds those very bytes.
    for (const bytes of expected) expect(fileBytes.includes(bytes)).toBe(true);
  });

  test.each(['CloudWatch Logs envelope', 'lookup-events lines', 'lookup-events output'])(
    '%s: the record serialised in a string is exported as that string, exactly',
    async (shape) => {
      const tricky = event(22, TRICKY);
      const { dbPath } = await indexBytes('wrapped.json', SHAPES[shape]!([tricky]));
      const { lines, provenance } = exportAll(dbPath);
      expect(lines.map((line) => line.toString())).toEqual([tricky]);
      expect(provenance.map((entry) => [entry.verbatim, entry.verbatim_reason])).toEqual([[true, null]]);
    },
  );

  test('a string record that has no exact UTF-8 form is exported with "verbatim": false and the reason', async () => {
    // The envelope's escape `\ud800` decodes to a lone surrogate inside the record's text.
    const lone = event(23, ',"requestParameters":{"name":"\ud800"}');
    const envelope = SHAPES['CloudWatch Logs envelope']!([lone]);
    const { dbPath } = await indexBytes('lone.json', envelope);
    const { provenance } = exportAll(dbPath);
    expect(provenance.map((entry) => [entry.event_id, entry.verbatim, entry.verbatim_reason])).toEqual([
      [
        id(23),
        false,
        'the record holds an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF),' +
          ' which has no UTF-8 form: stored with U+FFFD in its place',
      ],
    ]);
  });

  test('search output stays valid JSON for a record with invalid UTF-8, which keeps its other values', async () => {
    const { dbPath } = await indexBytes(
      'bad.jsonl',
      withInvalidUtf8(event(24, ',"requestParameters":{"name":"INVALID","n":12345678901234567890123}')),
    );
    const result = runCli(['search', '', '--format', 'ndjson', '--db', dbPath]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).requestParameters.name).toBe('\uFFFDA\uFFFD');
  });
});

describe('duplicates are accounted for (issue 13, item 4)', () => {
  test(
    'the same eventID with other content is a conflict: both kept, both files and positions shown,' +
      ' a problem recorded',
    async () => {
      const dir = tempDir();
      const first = join(dir, 'a.json');
      const second = join(dir, 'b.json');
      writeFileSync(first, `{"Records":[${event(30, ',"requestParameters":{"n":12345678901234567890123}')}]}`);
      writeFileSync(
        second,
        `{"Records":[${event(31)},${event(30, ',"requestParameters":{"n":12345678901234567890124}')}]}`,
      );
      const { dbPath } = await indexInto([first, second]);
      const db = readIndex(dbPath);
      expect(db.prepare('SELECT event_id, source_file, record_index FROM events ORDER BY event_id').all()).toEqual([
        { event_id: id(30), source_file: first, record_index: 0 },
        { event_id: id(31), source_file: second, record_index: 0 },
      ]);
      const conflicts = db
        .prepare(
          'SELECT event_id, kept_file, kept_record_index, kept_record, other_file, other_record_index, other_record' +
            ' FROM conflicts',
        )
        .all();
      expect(conflicts).toEqual([
        {
          event_id: id(30),
          kept_file: first,
          kept_record_index: 0,
          kept_record: event(30, ',"requestParameters":{"n":12345678901234567890123}'),
          other_file: second,
          other_record_index: 1,
          other_record: event(30, ',"requestParameters":{"n":12345678901234567890124}'),
        },
      ]);
      expect(db.prepare('SELECT path, position, stage, reason FROM problems').all()).toEqual([
        {
          path: second,
          position: 'record 1',
          stage: 'store',
          reason:
            `eventID ${id(30)} is already indexed with other content (record 0 of ${first}): both records are kept;` +
            ' see the conflicts view (trailhound sql "SELECT * FROM conflicts")',
        },
      ]);
      const conflicting = runCli(['search', 'conflict:true', '--format', 'ndjson', '--db', dbPath]);
      expect(
        conflicting.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).eventID),
      ).toEqual([id(30)]);
      const others = runCli(['search', 'conflict:false', '--count', '--db', dbPath]);
      expect(others.stdout.trim()).toBe('1');
    },
  );

  test('the same record laid out differently (pretty-printed) is a duplicate, not a conflict', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), `{"Records":[${event(32)}]}`);
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ Records: [JSON.parse(event(32))] }, null, 2));
    const { dbPath } = await indexInto([dir]);
    const db = readIndex(dbPath);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM conflicts').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM problems').get()).toEqual({ n: 0 });
  });

  test("records without an eventID are one only if their bytes are: a big integer's last digit makes two", async () => {
    const bare = (digit: number) =>
      `{"eventTime":"2026-03-02T10:00:00Z","eventName":"X","requestParameters":{"n":1234567890123456789012${digit}}}`;
    const { db } = await indexBytes('noid.jsonl', [bare(3), bare(4), bare(3)].join('\n'));
    expect(
      (db.prepare('SELECT record FROM events ORDER BY record_index').all() as { record: string }[]).map(
        (row) => row.record,
      ),
    ).toEqual([bare(3), bare(4)]);
  });

  test(
    'a record without an eventID laid out differently (pretty-printed) is that record, once;' +
      ' a space inside a string is not layout',
    async () => {
      const compact = '{"eventTime":"2026-03-02T10:00:00Z","eventName":"X","requestParameters":{"name":"a b"}}';
      const pretty =
        '{\n  "eventTime": "2026-03-02T10:00:00Z",\n  "eventName": "X",\n  "requestParameters": { "name": "a b" }\n}';
      const otherString = '{"eventTime":"2026-03-02T10:00:00Z","eventName":"X","requestParameters":{"name":"ab"}}';
      const { db } = await indexBytes('layout.json', `[${compact},${pretty},${otherString}]`);
      expect(
        (db.prepare('SELECT record FROM events ORDER BY record_index').all() as { record: string }[]).map(
          (row) => row.record,
        ),
      ).toEqual([compact, otherString]);
    },
  );

  test('a re-read conflict is kept once, and the file still reports it', async () => {
    const dir = tempDir();
    const first = join(dir, 'a.json');
    const second = join(dir, 'b.json');
    writeFileSync(first, `{"Records":[${event(33)}]}`);
    writeFileSync(second, `{"Records":[${event(33, ',"errorCode":"Redacted"')}]}`);
    const dbPath = join(tempDir(), 'case.db');
    await indexInto([first, second], { dbPath });
    writeFileSync(second, `{"Records":[${event(33, ',"errorCode":"Redacted"')}]} `);
    await indexInto([first, second], { dbPath });
    const db = readIndex(dbPath);
    expect(db.prepare('SELECT other_file, other_record_index FROM conflicts').all()).toEqual([
      { other_file: second, other_record_index: 0 },
    ]);
    expect(db.prepare('SELECT path, stage FROM problems').all()).toEqual([{ path: second, stage: 'store' }]);
  });
});

describe('a file re-indexed with changed content (issue 13, item 4)', () => {
  test(
    'records it no longer holds move to a row for the earlier version;' +
      ' those it still holds point at their new position',
    async () => {
      const dir = tempDir();
      const path = join(dir, 'a.jsonl');
      const dbPath = join(tempDir(), 'case.db');
      writeFileSync(path, [event(40), event(41)].join('\n'));
      const earlierSha = sha256(readFileSync(path));
      await indexInto([path], { dbPath });
      writeFileSync(path, [event(41), event(42), event(43)].join('\n'));
      await indexInto([path], { dbPath });
      const db = readIndex(dbPath);
      const earlier = `${path} (earlier version, sha256 ${earlierSha})`;
      expect(db.prepare('SELECT event_id, source_file, record_index FROM events ORDER BY event_id').all()).toEqual([
        { event_id: id(40), source_file: earlier, record_index: 0 },
        { event_id: id(41), source_file: path, record_index: 0 },
        { event_id: id(42), source_file: path, record_index: 1 },
        { event_id: id(43), source_file: path, record_index: 2 },
      ]);
      expect(db.prepare('SELECT path, sha256, status, events_read FROM files ORDER BY id').all()).toEqual([
        { path, sha256: sha256(readFileSync(path)), status: 'done', events_read: 3 },
        { path: earlier, sha256: earlierSha, status: 'superseded', events_read: 1 },
      ]);
    },
  );

  test('a file that only grew keeps every record under its own row', async () => {
    const dir = tempDir();
    const path = join(dir, 'a.jsonl');
    const dbPath = join(tempDir(), 'case.db');
    writeFileSync(path, event(44) + '\n');
    await indexInto([path], { dbPath });
    writeFileSync(path, [event(44), event(45)].join('\n'));
    await indexInto([path], { dbPath });
    const db = readIndex(dbPath);
    expect(db.prepare('SELECT event_id, source_file, record_index FROM events ORDER BY event_id').all()).toEqual([
      { event_id: id(44), source_file: path, record_index: 0 },
      { event_id: id(45), source_file: path, record_index: 1 },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM files').get()).toEqual({ n: 1 });
  });
});
