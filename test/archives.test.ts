import { describe, expect, test } from 'vitest';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { indexInto, readIndex, tempDir } from './helpers/temp-index.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));
const records = fixture('records-object.json');
const moreRecords = fixture('ndjson-events.jsonl');

function writeInto(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

function summaryOf(dbPath: string) {
  const db = readIndex(dbPath);
  return {
    files: db.prepare('SELECT path, status, kind, events_read FROM files ORDER BY path').all() as {
      path: string;
      status: string;
      kind: string;
      events_read: number;
    }[],
    problems: db.prepare('SELECT path, stage, reason FROM problems ORDER BY id').all() as {
      path: string;
      stage: string;
      reason: string;
    }[],
    events: (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
  };
}

describe('gzip', () => {
  test('a .json.gz file is read by content, whatever its name', async () => {
    const dir = tempDir();
    writeInto(dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/a.json.gz', gzipSync(records));
    writeInto(dir, 'misnamed.json', gzipSync(moreRecords));
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.events).toBe(4);
    expect(result.problems).toEqual([]);
  });

  test('every member of a multi-member gzip is read', async () => {
    const dir = tempDir();
    writeInto(
      dir,
      'multi.json.gz',
      Buffer.concat([gzipSync(records), gzipSync(Buffer.from('\n')), gzipSync(moreRecords)]),
    );
    const { dbPath } = await indexInto([dir]);
    expect(summaryOf(dbPath).events).toBe(4);
  });

  test('a truncated gzip keeps what came before the cut and records the problem', async () => {
    const dir = tempDir();
    const whole = gzipSync(Buffer.concat([records, Buffer.from('\n'), moreRecords]));
    const path = writeInto(dir, 'cut.json.gz', whole.subarray(0, whole.length - 12));
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.problems).toEqual([{ path, stage: 'decompress', reason: 'gzip data ends early (truncated file?)' }]);
    expect(result.files[0]!.status).toBe('partial');
    expect(result.events).toBe(3);
  });

  test('trailing garbage after the gzip data: the data before it is read, the garbage reported', async () => {
    const dir = tempDir();
    const path = writeInto(dir, 'garbage.json.gz', Buffer.concat([gzipSync(records), Buffer.from('this is not gzip')]));
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.events).toBe(2);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.path).toBe(path);
    expect(result.problems[0]!.reason).toMatch(
      /^gzip data is corrupt or followed by bytes that are not gzip \(.+\); the \d+ bytes before were read$/,
    );
  });

  test('a gzip bomb stops at the decompressed-size cap with a problem; other files are indexed', async () => {
    const dir = tempDir();
    writeInto(dir, 'bomb.json.gz', gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)));
    writeInto(dir, 'good.json', records);
    const { dbPath } = await indexInto([dir], { limits: { maxDecompressedBytes: 1024 * 1024 } });
    const result = summaryOf(dbPath);
    expect(result.events).toBe(2);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'decompressed data exceeds the 1048576-byte limit (a gzip bomb?); the rest of the file was not read',
    ]);
  });

  test('corrupt gzip data is a problem naming the file', async () => {
    const dir = tempDir();
    const bytes = gzipSync(records);
    bytes.fill(0x55, 12, 40);
    const path = writeInto(dir, 'corrupt.json.gz', bytes);
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.path).toBe(path);
    expect(result.problems[0]!.reason).toMatch(/^gzip data is corrupt/);
    expect(result.files[0]!.status).toBe('failed');
  });
});

describe('zip', () => {
  test('entries of any shape are read one by one, labelled zip!entry', async () => {
    const dir = tempDir();
    const zip = zipSync({
      'AWSLogs/a.json.gz': gzipSync(records),
      'b.jsonl': new Uint8Array(moreRecords),
      'notes.txt': new Uint8Array(Buffer.from('hello')),
    });
    const path = writeInto(dir, 'case.zip', zip);
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.events).toBe(4);
    expect(result.files.map((file) => [file.path, file.kind, file.events_read])).toEqual([
      [path, 'archive', 0],
      [`${path}!AWSLogs/a.json.gz`, 'log', 2],
      [`${path}!b.jsonl`, 'log', 2],
      [`${path}!notes.txt`, 'other', 0],
    ]);
    expect(result.problems.map((problem) => [problem.path, problem.reason])).toEqual([
      [`${path}!notes.txt`, 'not JSON: unexpected byte 0x68'],
    ]);
  });

  test('hostile entry names are labels only, never paths; duplicates are kept apart', async () => {
    const dir = tempDir();
    const entries = {
      '../../escape.json': new Uint8Array(records),
      '/etc/absolute.jsonl': new Uint8Array(moreRecords),
    };
    const zip = Buffer.from(zipSync(entries));
    // A second copy of the archive's entries makes every name appear twice.
    const path = writeInto(
      dir,
      'hostile.zip',
      Buffer.concat([zip.subarray(0, zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))), zip]),
    );
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.files.map((file) => file.path)).toEqual([
      path,
      `${path}!../../escape.json`,
      `${path}!../../escape.json#2`,
      `${path}!/etc/absolute.jsonl`,
      `${path}!/etc/absolute.jsonl#3`,
    ]);
    expect(result.events).toBe(4);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'duplicate entry name "../../escape.json"; read as ' + `${path}!../../escape.json#2`,
      'duplicate entry name "/etc/absolute.jsonl"; read as ' + `${path}!/etc/absolute.jsonl#3`,
    ]);
  });

  test('a zip bomb entry stops at the cap; the other entries are read', async () => {
    const dir = tempDir();
    const zip = zipSync(
      { 'bomb.json': new Uint8Array(8 * 1024 * 1024).fill(0x20), 'good.json': new Uint8Array(records) },
      { level: 9 },
    );
    writeInto(dir, 'bomb.zip', zip);
    const { dbPath } = await indexInto([dir], { limits: { maxDecompressedBytes: 1024 * 1024 } });
    const result = summaryOf(dbPath);
    expect(result.events).toBe(2);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'zip entry decompresses to more than 1048576 bytes (a zip bomb?); the rest was not read',
    ]);
  });

  test('a truncated zip keeps complete entries and reports the cut', async () => {
    const dir = tempDir();
    const zip = zipSync(
      { 'a.json': new Uint8Array(records), 'b.json': new Uint8Array(Buffer.alloc(200_000, 0x20)) },
      { level: 0 },
    );
    writeInto(dir, 'cut.zip', zip.subarray(0, zip.length - 120_000));
    const { dbPath } = await indexInto([dir]);
    const result = summaryOf(dbPath);
    expect(result.events).toBe(2);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      'the archive ends inside this entry (truncated?)',
      'the archive is truncated or corrupt (invalid zip data)',
    ]);
  });
});

describe('re-running', () => {
  test('unchanged files are skipped; changed and new files are read; nothing is duplicated or lost', async () => {
    const dir = tempDir();
    const dbPath = join(tempDir(), 'index.db');
    const first = writeInto(dir, 'a.json', records);
    const firstRun = await indexInto([dir], { dbPath });
    expect([firstRun.summary.filesRead, firstRun.summary.eventsNew]).toEqual([1, 2]);

    const again = await indexInto([dir], { dbPath });
    expect([again.summary.filesRead, again.summary.filesUnchanged, again.summary.eventsNew]).toEqual([0, 1, 0]);

    writeFileSync(
      first,
      Buffer.concat([
        records.subarray(0, records.length - 2),
        Buffer.from(','),
        moreRecords.subarray(0, moreRecords.indexOf(0x0a)),
        Buffer.from(']}'),
      ]),
    );
    utimesSync(first, new Date(), new Date(Date.now() + 5000));
    writeInto(dir, 'b.jsonl', moreRecords);
    const third = await indexInto([dir], { dbPath });
    expect([third.summary.filesRead, third.summary.eventsRead, third.summary.eventsNew]).toEqual([2, 5, 2]);
    expect(summaryOf(dbPath).events).toBe(4);
  });
});
