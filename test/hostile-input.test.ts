import { describe, expect, test } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexInto, readIndex, tempDir } from './helpers/temp-index.js';

const records = readFileSync(fileURLToPath(new URL('./fixtures/records-object.json', import.meta.url)));

function event(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2026-03-02T10:00:00Z',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RunTask',
    ...extra,
  };
}

async function indexFolder(files: Record<string, string | Buffer>) {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const { summary, dbPath } = await indexInto([dir]);
  const db = readIndex(dbPath);
  const problems = db.prepare('SELECT path, position, reason FROM problems ORDER BY id').all() as {
    path: string;
    position: string | null;
    reason: string;
  }[];
  const ids = (db.prepare('SELECT event_id FROM events ORDER BY event_id').all() as { event_id: string }[]).map(
    (row) => row.event_id,
  );
  return { dir, summary, db, problems, ids };
}

describe('hostile and broken JSON', () => {
  test('JSON nested 100,000 levels deep is skipped as one record; its neighbours are kept', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const before = JSON.stringify(event('before'));
    const after = JSON.stringify(event('after'));
    const text = `{"Records":[${before},{"requestParameters":${deep}},${after}]}`;
    const { ids, problems } = await indexFolder({ 'deep.json': text });
    expect(ids).toEqual(['after', 'before']);
    expect(problems.map((problem) => [problem.position, problem.reason])).toEqual([
      [`record 1, line 1, byte ${text.indexOf('{"requestParameters"')}`, 'record nested deeper than 512 levels'],
    ]);
  });

  test('a 1 MB requestParameters is indexed whole and retrievable', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const { db, problems } = await indexFolder({
      'big.json': JSON.stringify({ Records: [event('big', { requestParameters: { blob: big } })] }),
    });
    expect(problems).toEqual([]);
    const row = db.prepare("SELECT length(json_extract(record, '$.requestParameters.blob')) AS n FROM events").get();
    expect(row).toEqual({ n: big.length });
  });

  test('a record over the size limit is skipped with a problem, the next one kept', async () => {
    const dir = tempDir();
    const huge = JSON.stringify(event('huge', { requestParameters: { blob: 'y'.repeat(300_000) } }));
    writeFileSync(join(dir, 'huge.jsonl'), `${huge}\n${JSON.stringify(event('small'))}\n`);
    const { dbPath } = await indexInto([dir], { limits: { maxRecordBytes: 100_000 } });
    const db = readIndex(dbPath);
    expect(db.prepare('SELECT event_id FROM events').all()).toEqual([{ event_id: 'small' }]);
    expect(db.prepare('SELECT reason FROM problems').all()).toEqual([
      { reason: `record of ${huge.length} bytes exceeds the 100000-byte limit` },
    ]);
  });

  test('duplicate keys: the last value wins, as in every JSON parser, and the record is kept verbatim', async () => {
    const text =
      '{"eventVersion":"1.08","eventID":"dup","eventName":"Harmless","eventName":"DeleteTrail",' +
      '"eventTime":"2026-03-02T10:00:00Z"}';

    const { db } = await indexFolder({ 'dup.json': text });
    expect(db.prepare('SELECT event_name, record FROM events').get()).toEqual({
      event_name: 'DeleteTrail',
      record: text,
    });
  });

  test('NUL bytes and non-UTF-8 bytes in strings do not stop the file', async () => {
    const withNul = JSON.stringify(event('nul', { userAgent: 'agent\u0000with nul' }));
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"eventVersion":"1.08","eventID":"latin1","eventTime":"2026-03-02T10:00:00Z","userAgent":"caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"}'),
    ]);
    const { ids, db } = await indexFolder({ 'nul.json': withNul, 'latin1.json': invalidUtf8 });
    expect(ids).toEqual(['latin1', 'nul']);
    expect(db.prepare("SELECT user_agent FROM events WHERE event_id = 'nul'").get()).toEqual({
      user_agent: 'agent\u0000with nul',
    });
    expect(db.prepare("SELECT user_agent FROM events WHERE event_id = 'latin1'").get()).toEqual({
      user_agent: 'caf\uFFFD\uFFFD',
    });
  });

  test('a UTF-8 byte order mark is ignored', async () => {
    const { ids } = await indexFolder({
      'bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(event('bom')))]),
    });
    expect(ids).toEqual(['bom']);
  });

  test('FTS syntax and SQL in parameters is stored as text', async () => {
    const nasty = `"); DROP TABLE event_rows; -- NEAR(a b) OR * AND "`;
    const { db } = await indexFolder({
      'sql.json': JSON.stringify(event('nasty', { requestParameters: { name: nasty } })),
    });
    expect(db.prepare("SELECT json_extract(record, '$.requestParameters.name') AS name FROM events").get()).toEqual({
      name: nasty,
    });
  });
});

describe('hostile file systems', () => {
  test('a symlink loop ends; the files in it are read once', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'records.json'), records);
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'loop'));
    const { summary } = await indexInto([dir]);
    expect([summary.filesSeen, summary.eventsNew]).toEqual([1, 2]);
  });

  test('a file that cannot be opened (a dangling link) is a problem; the rest is indexed', async () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'deleted-before-read.json'), join(dir, 'dangling.json'));
    writeFileSync(join(dir, 'other.jsonl'), JSON.stringify(event('other')));
    const { dbPath } = await indexInto([dir]);
    const db = readIndex(dbPath);
    expect(db.prepare('SELECT path, reason FROM problems').all()).toEqual([
      { path: join(dir, 'dangling.json'), reason: 'no such file or folder' },
    ]);
    expect(db.prepare('SELECT event_id FROM events').all()).toEqual([{ event_id: 'other' }]);
  });
});
