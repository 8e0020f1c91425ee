import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openIndex } from '../src/store/db.js';
import { IndexWriter } from '../src/store/ingest.js';
import { runCli } from './helpers/run-cli.js';
import { SAMPLE_LOGS, indexSamplesForSuite } from './helpers/samples.js';
import { tempDir } from './helpers/temp-index.js';

/**
 * Issue 16, item 1: the index is one SQLite file any SQLite tool reads. These tests open it with
 * connections that register nothing of trailhound's, and compare with what `trailhound sql` answers.
 */
const PUBLIC_TABLES = ['events', 'files', 'problems', 'digests', 'verification'] as const;
const fixtures = new URL('./fixtures', import.meta.url).pathname;
const ORDER = {
  events: 'row_id',
  files: 'id',
  problems: 'id',
  digests: 'file_id',
  verification: 'path, kind',
} as const;

const suite = indexSamplesForSuite();

function plainConnection(path: string): Database.Database {
  // Nothing registered: what the sqlite3 CLI, Python or Datasette would have.
  return new Database(path, { readonly: true, fileMustExist: true });
}

function viaCli(dbPath: string, sql: string): Record<string, unknown>[] {
  const result = runCli(['sql', sql, '--format', 'json', '--db', dbPath]);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

/** samples/ and the quirky fixtures (so problems has rows), verified (so verification has rows). */
function indexWithEveryTable(): string {
  const dbPath = join(tempDir(), 'index.db');
  expect(runCli(['index', SAMPLE_LOGS, fixtures, '--db', dbPath]).status).toBe(0);
  // Without the public keys every digest is "could not verify" (exit 4), and each verdict is stored.
  expect(runCli(['verify', SAMPLE_LOGS, '--db', dbPath]).status).toBe(4);
  return dbPath;
}

describe('the index opened by a plain SQLite connection', () => {
  test('every column of events, files, problems, digests and verification answers as `trailhound sql` does', () => {
    const dbPath = indexWithEveryTable();
    const plain = plainConnection(dbPath);
    try {
      for (const table of PUBLIC_TABLES) {
        const sql = `SELECT * FROM ${table} ORDER BY ${ORDER[table]}`;
        const rows = plain.prepare(sql).all() as Record<string, unknown>[];
        const expected = viaCli(dbPath, sql);
        expect(rows.length, table).toBeGreaterThan(0);
        expect(rows.length, table).toBe(expected.length);
        expect(rows, table).toEqual(expected);
      }
    } finally {
      plain.close();
    }
  });

  test('every sample event is there, with every contract column a value of its record', () => {
    const plain = plainConnection(suite.dbPath);
    try {
      const rows = plain.prepare('SELECT * FROM events').all() as Record<string, unknown>[];
      expect(rows.length).toBe(suite.records.length);
      const byId = new Map(suite.records.map((record) => [record['eventID'] as string, record]));
      for (const row of rows) {
        const record = byId.get(row['event_id'] as string)!;
        expect(JSON.parse(row['record'] as string)).toEqual(record);
        expect(row['user_agent']).toBe(record['userAgent'] ?? null);
        expect(row['error_message']).toBe(record['errorMessage'] ?? null);
        expect(row['request_id']).toBe(record['requestID'] ?? null);
        expect(row['event_version']).toBe(record['eventVersion'] ?? null);
        expect(row['session_issuer_type']).toBe(record['userIdentity']?.sessionContext?.sessionIssuer?.type ?? null);
        expect(JSON.parse(row['request_parameters'] as string)).toEqual(record['requestParameters'] ?? null);
      }
    } finally {
      plain.close();
    }
  });

  test('json_extract reads any path of the record', () => {
    const plain = plainConnection(suite.dbPath);
    try {
      const mismatches = plain
        .prepare(
          "SELECT count(*) FROM events WHERE json_extract(record, '$.eventID') IS NOT event_id " +
            "OR json_extract(record, '$.userIdentity.arn') IS NOT user_identity_arn",
        )
        .pluck()
        .get();
      expect(mismatches).toBe(0);
      const tls = plain
        .prepare("SELECT count(*) FROM events WHERE json_extract(record, '$.tlsDetails.tlsVersion') = 'TLSv1.3'")
        .pluck()
        .get();
      const expected = suite.records.filter((record) => record['tlsDetails']?.tlsVersion === 'TLSv1.3').length;
      expect(expected).toBeGreaterThan(0);
      expect(tls).toBe(expected);
    } finally {
      plain.close();
    }
  });

  // The python3 on the machine brings its own SQLite build (3.40 here), older than ours: the file
  // must not need anything newer than a stock distribution's SQLite.
  const python = spawnSync('python3', ['-c', 'import sqlite3'], { encoding: 'utf8' });
  test.runIf(python.status === 0)("Python's sqlite3 module reads the same events", () => {
    const script = [
      'import sqlite3, sys, json',
      "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)",
      'rows = db.execute("SELECT user_agent, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5").fetchall()',
      'arns = db.execute("SELECT count(*) FROM events ' +
        "WHERE json_extract(record, '$.userIdentity.arn') = user_identity_arn\").fetchone()[0]",
      'print(json.dumps({"top": rows, "arns": arns}))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script, suite.dbPath], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const expectedTop = viaCli(
      suite.dbPath,
      'SELECT user_agent, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5',
    ).map((row) => [row['user_agent'], row['n']]);
    const expectedArns = suite.records.filter(
      (record) => typeof record['userIdentity']?.arn === 'string' && record['userIdentity'].arn !== '',
    ).length;
    expect(JSON.parse(result.stdout)).toEqual({ top: expectedTop, arns: expectedArns });
  });
});

describe('a record that is not valid UTF-8', () => {
  test('is kept byte for byte, and its JSON still answers json_extract', () => {
    const dbPath = join(tempDir(), 'index.db');
    // "\xff" is not UTF-8: a decoder that replaced it would change the evidence.
    const bytes = Buffer.concat([
      Buffer.from('{"eventID":"e-1","userAgent":"agent-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","eventName":"GetObject"}'),
    ]);
    const index = openIndex(dbPath);
    try {
      const writer = new IndexWriter(index.db);
      const fileId = writer.beginFile('/logs/bad-utf8.json', 1, 1);
      const row = ['e-1', null, null, null, null, 'GetObject', 'GetObject', ...Array<null>(25).fill(null)];
      writer.addBatch(fileId, {
        rows: [row],
        searchTexts: [['GetObject', '', '', '', '', '', '']],
        recordIndexes: [0],
        records: [bytes],
        notVerbatim: [],
      });
      writer.finishFile(
        fileId,
        { sha256: null, contentSha256: null, kind: 'log', format: 'object', eventsRead: 1, status: 'done' },
        1,
      );
      writer.commit();
    } finally {
      index.close();
    }
    const plain = plainConnection(dbPath);
    try {
      const stored = plain.prepare('SELECT typeof(record) AS type, record FROM event_records').get() as {
        type: string;
        record: Buffer;
      };
      expect(stored.type).toBe('blob');
      expect(stored.record.equals(bytes)).toBe(true);
      const viaView = plain
        .prepare("SELECT json_extract(record, '$.eventName') AS name, hex(record) AS hex FROM events")
        .get();
      expect(viaView).toEqual({ name: 'GetObject', hex: bytes.toString('hex').toUpperCase() });
    } finally {
      plain.close();
    }
  });
});
