import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { compileQuery } from '../src/search/compile.js';
import { runSearch } from '../src/search/engine.js';
import { indexInto, readIndex } from './helpers/temp-index.js';
import { withoutLayout } from '../src/decode/json-bytes.js';

const corpus = resolve(fileURLToPath(new URL('../../shared/corpus', import.meta.url)));

/** Every file below a folder, by a plain recursive listing (independent of src/sources/walk.ts). */
function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Whole-file parsing, the simple way: JSON, or else JSON per line. Unparseable content yields nothing. */
function parseWhole(path: string): unknown[] {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return [JSON.parse(text)];
  } catch {
    return text.split('\n').flatMap((line) => {
      try {
        return line.trim() === '' ? [] : [JSON.parse(line)];
      } catch {
        return [];
      }
    });
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const EVENT_KEYS = [
  'eventVersion',
  'eventTime',
  '@timestamp',
  'eventID',
  'userIdentity',
  'awsRegion',
  'sourceIPAddress',
  'requestParameters',
  'responseElements',
  'errorCode',
  'eventType',
  'requestID',
  'recipientAccountId',
];
const isEvent = (object: Record<string, unknown>) => EVENT_KEYS.some((key) => key in object);

/** CloudTrail events inside one parsed value, following the shapes listed in CLOUDTRAIL.md §1. */
function eventsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap((item) => (isObject(item) ? eventsOf(item) : []));
  if (isObject(value) && Array.isArray(value['Records']))
    return value['Records'].flatMap((item) => (isObject(item) ? eventsOf(item) : []));
  return isObject(value) ? eventsOf(value) : [];
}

function eventsOf(object: Record<string, unknown>): Record<string, unknown>[] {
  if ('digestS3Object' in object && 'logFiles' in object) return [];
  if (typeof object['eventSource'] === 'string' && object['eventSource'].startsWith('aws:')) return [];
  if (isEvent(object)) return [object];
  if (isObject(object['event'])) return isEvent(object['event']) ? [object['event']] : [];
  if (typeof object['CloudTrailEvent'] === 'string') return [JSON.parse(object['CloudTrailEvent'])];
  if (Array.isArray(object['logEvents'])) {
    return object['logEvents'].flatMap((entry) => {
      try {
        const inner = JSON.parse((entry as { message: string }).message);
        return isObject(inner) && isEvent(inner) ? [inner] : [];
      } catch {
        return [];
      }
    });
  }
  return [];
}

describe.skipIf(!existsSync(corpus))('the shared corpus of real CloudTrail data', () => {
  test('every file is indexed or listed in problems, and events are counted exactly once', async () => {
    const files = listFiles(corpus);
    const { dbPath, summary } = await indexInto([corpus]);
    const db = readIndex(dbPath);

    const stored = db.prepare('SELECT path, status, kind, events_read FROM files').all() as {
      path: string;
      status: string;
      kind: string;
      events_read: number;
    }[];
    expect(stored.map((row) => row.path).sort()).toEqual(files.sort());
    const withProblems = new Set(
      (db.prepare('SELECT DISTINCT path FROM problems').all() as { path: string }[]).map((row) => row.path),
    );
    const unaccounted = stored.filter(
      (row) => row.events_read === 0 && row.kind !== 'digest' && row.status !== 'done' && !withProblems.has(row.path),
    );
    expect(unaccounted).toEqual([]);
    const silentlyEmpty = stored.filter(
      (row) => row.kind === 'other' && !withProblems.has(row.path) && !isEmptyJson(row.path),
    );
    expect(silentlyEmpty.map((row) => row.path)).toEqual([]);

    const events = files.flatMap((path) => parseWhole(path).flatMap(eventsIn));
    const ids = new Set(
      events.flatMap((event) =>
        typeof event['eventID'] === 'string' && event['eventID'] !== '' ? [event['eventID']] : [],
      ),
    );
    const withoutId = new Set(
      events
        .filter((event) => typeof event['eventID'] !== 'string' || event['eventID'] === '')
        .map((event) => JSON.stringify(event)),
    );

    expect(db.prepare('SELECT count(*) AS n FROM events WHERE event_id IS NOT NULL').get()).toEqual({ n: ids.size });
    // Records without an eventID are one record only when their bytes are, apart from layout (issue 13):
    // every distinct one is kept, and no two kept are the same bytes. Copies that parse alike but are
    // spelled differently (`\u003c` and `<`, in two projects' copies of one AWS example) are both kept.
    const noIdRecords = (
      db.prepare('SELECT CAST(record AS BLOB) AS bytes FROM events WHERE event_id IS NULL').all() as { bytes: Buffer }[]
    ).map((row) => row.bytes);
    expect(new Set(noIdRecords.map((bytes) => JSON.stringify(JSON.parse(bytes.toString('utf8')))))).toEqual(withoutId);
    expect(new Set(noIdRecords.map((bytes) => withoutLayout(bytes).toString('latin1'))).size).toBe(noIdRecords.length);
    expect(summary.eventsRead).toBe(events.length);
    expect(db.prepare("SELECT count(*) AS n FROM files WHERE kind = 'digest'").get()).toEqual({ n: summary.digests });

    // Searches over real data, answered independently from the parsed files.
    // An eventID reused with different content (test data does this) keeps whichever copy came first;
    // ids whose copies disagree on a query are left out of that comparison.
    const byId = new Map<string, Record<string, unknown>[]>();
    for (const event of events) {
      if (typeof event['eventID'] === 'string' && event['eventID'] !== '')
        byId.set(event['eventID'], [...(byId.get(event['eventID']) ?? []), event]);
    }
    const identity = (event: Record<string, unknown>) => (isObject(event['userIdentity']) ? event['userIdentity'] : {});
    const searches: [string, (event: Record<string, unknown>) => boolean][] = [
      ['action:ConsoleLogin', (e) => e['eventName'] === 'ConsoleLogin'],
      ['source:s3', (e) => e['eventSource'] === 's3.amazonaws.com'],
      [
        'error:AccessDenied*',
        (e) => typeof e['errorCode'] === 'string' && e['errorCode'].toLowerCase().startsWith('accessdenied'),
      ],
      ['type:Root', (e) => identity(e)['type'] === 'Root'],
      [
        'region:us-west-2 -error:*',
        (e) =>
          e['awsRegion'] === 'us-west-2' &&
          (e['errorCode'] === undefined || e['errorCode'] === null || e['errorCode'] === ''),
      ],
    ];
    for (const [query, predicate] of searches) {
      const ambiguous = new Set(
        [...byId.entries()].filter(([, copies]) => new Set(copies.map(predicate)).size > 1).map(([id]) => id),
      );
      const expected = [...byId.entries()]
        .filter(([id, copies]) => !ambiguous.has(id) && predicate(copies[0]!))
        .map(([id]) => id)
        .sort();
      const found = [...runSearch(db, compileQuery(query), { sort: 'newest', limit: 1_000_000, offset: 0 })]
        .flatMap((row) => (row.event_id && !ambiguous.has(row.event_id) ? [row.event_id] : []))
        .sort();
      expect(found, query).toEqual(expected);
      expect(expected.length, `${query} should match something in the corpus`).toBeGreaterThan(0);
    }
  }, 120_000);

  test('every stored record is the full original, readable through the record column', async () => {
    const { dbPath } = await indexInto([join(corpus, 'grycap-cloudtrail-tracker')]);
    const db = readIndex(dbPath);
    const rows = db.prepare('SELECT event_id, event_name, record FROM events').all() as {
      event_id: string;
      event_name: string;
      record: string;
    }[];
    expect(rows.length).toBe(17_598);
    for (const row of rows) {
      const record = JSON.parse(row.record) as Record<string, unknown>;
      expect([record['eventID'], record['eventName']]).toEqual([row.event_id, row.event_name]);
    }
  }, 120_000);
});

/** `[]` and `{"Records":[]}` files hold no events and are not problems. */
function isEmptyJson(path: string): boolean {
  return parseWhole(path).every(
    (value) =>
      eventsIn(value).length === 0 && (Array.isArray(value) || (isObject(value) && Array.isArray(value['Records']))),
  );
}
