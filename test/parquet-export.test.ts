import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hivePathValue } from '../src/export/parquet-writer.js';
import { PARQUET_COLUMNS } from '../src/export/parquet-export.js';
import { runCli } from './helpers/run-cli.js';
import { indexSamplesForSuite } from './helpers/samples.js';

/** A row as `trailhound sql --format json` prints it, typed as the Parquet export promises. */
function expectedRow(row: Record<string, unknown>): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const column of PARQUET_COLUMNS) {
    const value = row[column.name];
    if (value === null || value === undefined) typed[column.name] = null;
    else if (column.type === 'BOOLEAN') typed[column.name] = value === 1;
    else if (column.type === 'TIMESTAMP') typed[column.name] = new Date(String(value)).toISOString();
    else typed[column.name] = String(value);
  }
  return typed;
}

describe('export --parquet', () => {
  const samples = indexSamplesForSuite();
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-parquet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'DuckDB reads back every column of every row as trailhound sql shows it, ' +
      'partitioned by account, region and date',
    async () => {
      const out = join(dir, 'lake');
      const result = runCli(['export', 'source:ecs OR error:*', '--parquet', out, '--db', samples.dbPath]);
      expect(result.status).toBe(0);
      const expected = JSON.parse(
        runCli([
          'sql',
          `SELECT * FROM events e WHERE e.event_source = 'ecs.amazonaws.com' OR e.error_code IS NOT NULL ` +
            `ORDER BY event_id`,
          '--db',
          samples.dbPath,
          '--format',
          'json',
        ]).stdout,
      ) as Record<string, unknown>[];
      expect(result.stderr).toMatch(new RegExp(`^exported ${expected.length} events to .* as \\d+ Parquet files`));

      const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
      const reader = `read_parquet('${out}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)`;
      const columns = PARQUET_COLUMNS.map((column) =>
        column.type === 'TIMESTAMP'
          ? `strftime(${column.name}, '%Y-%m-%dT%H:%M:%S.000Z') AS ${column.name}`
          : column.name,
      );
      const rows = (
        await duckdb.runAndReadAll(
          `SELECT ${columns.join(', ')}, account, region, date FROM ${reader} ORDER BY event_id`,
        )
      ).getRowObjectsJson() as Record<string, unknown>[];
      expect(rows.length).toBe(expected.length);
      rows.forEach((row, index) => {
        const source = expected[index]!;
        const { account, region, date, ...columnsOnly } = row;
        expect(columnsOnly).toEqual(expectedRow(source));
        expect({ account, region, date }).toEqual({
          account: source['recipient_account_id'],
          region: source['aws_region'],
          date: String(source['event_time']).slice(0, 10),
        });
      });

      const types = (
        await duckdb.runAndReadAll(
          `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${reader}) ` +
            `WHERE column_name IN ('event_time', 'read_only', 'request_parameters')`,
        )
      ).getRows();
      expect(Object.fromEntries(types)).toEqual({
        event_time: 'TIMESTAMP',
        read_only: 'BOOLEAN',
        request_parameters: 'VARCHAR',
      });
    },
    180_000,
  );

  it('refuses a folder that is not empty, and needs exactly one of --out and --parquet', () => {
    const busy = join(dir, 'busy');
    runCli(['export', 'action:RunTask', '--parquet', busy, '--db', samples.dbPath]);
    const again = runCli(['export', 'action:RunTask', '--parquet', busy, '--db', samples.dbPath]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`error: will not export into ${busy}`);
    const neither = runCli(['export', 'action:RunTask', '--db', samples.dbPath]);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toContain('give one of --out DIR (evidence) or --parquet DIR (Parquet)');
  });

  it.each([
    ['111122223333', '111122223333'],
    ['../../etc', '%2E%2E%2F%2E%2E%2Fetc'],
    ['a/b', 'a%2Fb'],
    ['', '__HIVE_DEFAULT_PARTITION__'],
    ['us-east-1', 'us-east-1'],
  ])('partition folder for %j is %j: log values never form a path', (value, folder) => {
    expect(hivePathValue(value)).toBe(folder);
    expect(existsSync(join(dir, folder))).toBe(false);
  });
});
