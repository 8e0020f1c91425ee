import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Session } from 'chdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSearchStatement } from '../src/dialects/statement.js';
import { duckdbReadFiles } from '../src/dialects/duckdb.js';
import { clickhouseSource } from '../src/dialects/clickhouse.js';
import { duckdbString, clickhouseString } from '../src/dialects/literals.js';
import { compileQuery } from '../src/search/compile.js';
import { SAMPLE_LOGS, indexSamplesForSuite } from './helpers/samples.js';

/**
 * The dialects are run, not only printed: each query's DuckDB and ClickHouse statements read
 * samples/AWSLogs with the engine itself, and the event ids they return must be the ids
 * trailhound's own search finds in an index of the same files.
 *
 * Reading the 2,555 gzip files takes each engine seconds, so the table of queries reads them once:
 * each statement's file-reading table function (and only it, checked) is swapped for a table
 * holding that function's own output. The statements are also run whole, files and all, below.
 */
const QUERIES = [
  'action:RunTask',
  'action:Describe*',
  'action:*Task*',
  'action:createservice',
  'name:ListUsers',
  'source:ecs',
  'source:iam.amazonaws.com',
  'source:s3*',
  'service:*ec2*',
  'user:ci-deploy',
  'user:*Admin*',
  'user:arn:aws:iam::111122223333:user/ci-deploy',
  'user:alice*',
  'type:Root',
  'type:AssumedRole',
  'type:aws*',
  'type:*',
  'key:AKIA*',
  'key:ASIA* -type:AssumedRole',
  'key:AKIAQBACKD00RKEY7X2M',
  'ip:198.51.100.23',
  'ip:198.51.100.0/24',
  'ip:10.0.0.0/8',
  'ip:0.0.0.0/0',
  'ip:*.amazonaws.com',
  'ip:ecs.amazonaws.com',
  '-ip:203.0.113.0/24',
  'region:eu-west-1',
  'region:ap-*',
  'account:111122223333',
  'account:4444*',
  'error:*',
  '-error:*',
  'error:AccessDenied*',
  'error:accessdenied',
  'readonly:true',
  'readonly:false',
  '-readonly:true',
  'since:2026-03-03',
  'until:2026-03-02',
  'since:2026-03-03T14:00Z until:2026-03-03T14:20Z',
  'xmrig',
  'kali',
  'XMRIG/xmrig',
  '"aws-cli/1.16.312"',
  'backup*',
  'resource:sync-worker',
  'resource:default-sync',
  'resource:backup-admin',
  'resource:system-*',
  'action:CreateCluster OR action:DeleteCluster',
  '(region:us-east-1 OR region:eu-west-1) -source:ecs',
  'user:ci-deploy -ip:198.51.100.0/24',
  'type:Root OR key:AKIAQBACKD00RKEY7X2M',
  'source:ecs action:RunTask since:2026-03-03 region:ap-southeast-2',
  'error:AccessDenied* user:ci-deploy',
  '-(source:ecs OR source:iam) readonly:false',
  '',
  'user:gha-run-8812',
  'user:GitHubActionsDeploy/gha-run-8812',
  'user:partner-auditor',
  'user:root',
  'user:alice@example.com',
  'user:ecs.amazonaws.com',
  'id:6be8f82d-da85-4286-8d45-131c9a7600f7',
  'id:4E6D5053-48BE-4F48-BC4B-D898CCB04DFD',
];

describe('dialects executed over samples/AWSLogs', () => {
  const samples = indexSamplesForSuite();
  let duckdb: DuckDBConnection;
  let clickhouse: Session;
  let chdbDir: string;
  const duckdbFiles = duckdbReadFiles(SAMPLE_LOGS);
  const clickhouseFiles = clickhouseSource(SAMPLE_LOGS);
  beforeAll(async () => {
    duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    await duckdb.run(`CREATE TABLE sample_files AS SELECT * FROM ${duckdbFiles}`);
    chdbDir = mkdtempSync(join(tmpdir(), 'trailhound-chdb-'));
    clickhouse = new Session(chdbDir);
    clickhouse.query(`CREATE TABLE sample_files ENGINE = Memory AS SELECT * FROM ${clickhouseFiles}`);
  }, 120_000);
  afterAll(() => {
    clickhouse?.close();
    if (chdbDir) rmSync(chdbDir, { recursive: true, force: true });
  });
  const chdbQuery = (sql: string, format: string): string => clickhouse.query(sql, format);
  const fromTable = (sql: string, files: string): string => {
    expect(sql.split(files).length).toBe(2);
    return sql.replace(files, 'sample_files').replace(/;\s*$/, '');
  };

  const trailhoundIds = (query: string): string[] => {
    const where = compileQuery(query).where;
    return sortedUnique(
      samples.db
        .prepare(`SELECT e.event_id FROM events e WHERE ${where.sql}`)
        .pluck()
        .all(...where.params) as string[],
    );
  };

  it('has at least 40 queries, and they are not all empty or all everything', () => {
    expect(QUERIES.length).toBe(66);
    const sizes = new Set(QUERIES.map((query) => trailhoundIds(query).length));
    expect(sizes.size).toBe(48);
  });

  it.each(QUERIES)(
    'duckdb: %j finds the same events as trailhound',
    async (query) => {
      const sql = renderSearchStatement('duckdb', query, { from: SAMPLE_LOGS, sort: 'oldest', limit: 0 });
      const rows = (
        await duckdb.runAndReadAll(`SELECT DISTINCT event_id FROM (${fromTable(sql, duckdbFiles)})`)
      ).getRows();
      expect(sortedUnique(rows.map((row) => String(row[0])))).toEqual(trailhoundIds(query));
    },
    60_000,
  );

  it.each(QUERIES)(
    'clickhouse: %j finds the same events as trailhound',
    (query) => {
      const sql = renderSearchStatement('clickhouse', query, { from: SAMPLE_LOGS, sort: 'oldest', limit: 0 });
      const output = chdbQuery(
        `SELECT DISTINCT event_id FROM (${fromTable(sql, clickhouseFiles)})`,
        'JSONCompactEachRow',
      );
      const ids = output
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => String(JSON.parse(line)[0]));
      expect(sortedUnique(ids)).toEqual(trailhoundIds(query));
    },
    60_000,
  );

  it('runs whole, reading the files themselves, newest first and limited', async () => {
    const query = 'user:ci-deploy since:2026-03-03';
    const expected = samples.db
      .prepare(
        "SELECT event_id FROM events WHERE user_identity_user_name = 'ci-deploy' AND event_time >= '2026-03-03'" +
          ' ORDER BY event_time DESC, event_id LIMIT 5',
      )
      .pluck()
      .all() as string[];
    const duck = renderSearchStatement('duckdb', query, { from: SAMPLE_LOGS, sort: 'newest', limit: 5 });
    const duckRows = (await duckdb.runAndReadAll(duck.replace(/;\s*$/, ''))).getRowObjects();
    expect(duckRows.map((row) => row['event_id'])).toEqual(expected);
    const click = renderSearchStatement('clickhouse', query, { from: SAMPLE_LOGS, sort: 'newest', limit: 5 });
    const clickRows = chdbQuery(click.replace(/;\s*$/, ''), 'JSONEachRow')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line).event_id);
    expect(clickRows).toEqual(expected);
  }, 120_000);

  const HOSTILE = [
    "it's",
    "''",
    'back\\slash',
    '\\',
    "\\'",
    '100%',
    'a_b',
    'line\nbreak',
    'tab\there',
    '\u001b[31mred',
    '\u202eevil',
    'ünïcödé',
    '--',
    '/*',
    '"',
  ];

  it.each(HOSTILE)('duckdb: the literal for %j reads back as the same string', async (value) => {
    const rows = (await duckdb.runAndReadAll(`SELECT ${duckdbString(value)}`)).getRows();
    expect(rows).toEqual([[value]]);
  });

  it.each(HOSTILE)('clickhouse: the literal for %j reads back as the same string', (value) => {
    expect(JSON.parse(chdbQuery(`SELECT ${clickhouseString(value)} AS v`, 'JSONEachRow')).v).toBe(value);
  });

  it.each(['action:*%*', 'action:*_*', "user:it's", 'error:\\*', 'user:"a\\\\b"', '"100%"'])(
    'hostile values in a query stay values: %j finds what trailhound finds',
    async (query) => {
      const duck = renderSearchStatement('duckdb', query, { from: SAMPLE_LOGS, sort: 'oldest', limit: 0 });
      const duckIds = (await duckdb.runAndReadAll(`SELECT event_id FROM (${fromTable(duck, duckdbFiles)})`))
        .getRows()
        .map((row) => String(row[0]));
      const click = renderSearchStatement('clickhouse', query, { from: SAMPLE_LOGS, sort: 'oldest', limit: 0 });
      const clickIds = chdbQuery(`SELECT event_id FROM (${fromTable(click, clickhouseFiles)})`, 'JSONCompactEachRow')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => String(JSON.parse(line)[0]));
      expect({ duckdb: sortedUnique(duckIds), clickhouse: sortedUnique(clickIds) }).toEqual({
        duckdb: trailhoundIds(query),
        clickhouse: trailhoundIds(query),
      });
    },
    60_000,
  );
});

function sortedUnique(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}
