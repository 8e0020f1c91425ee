import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPredicateStatement } from '../src/dialects/statement.js';
import { DialectError } from '../src/dialects/render.js';
import { runCli } from './helpers/run-cli.js';

/**
 * The statements for engines the tests cannot run (Athena, Trino) and the CLI around every dialect,
 * compared whole with golden files named for the case. A missing golden file fails: nothing is
 * written by the test.
 */
const EVERY_FIELD =
  'action:Run* source:ecs user:alice type:AssumedRole key:ASIA* ip:10.0.0.1 region:eu-west-1 account:111122223333 ' +
  'resource:my-bucket error:AccessDenied readonly:false xmrig*';
const HOSTILE = 'user:"it\'s \\\\ 100% a_b" action:"two\nlines" "\u202eevil"';

const CASES: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  {
    name: 'search-sql-athena-incident',
    args: [
      'search',
      '--sql',
      '--dialect',
      'athena',
      'user:ci-deploy ip:198.51.100.0/24 since:2026-03-03 until:2026-03-03T23:30Z -error:*',
    ],
  },
  {
    name: 'search-sql-athena-or-keeps-every-day',
    args: ['search', '--sql', '--dialect', 'athena', 'since:2026-03-03 OR action:DeleteTrail'],
  },
  { name: 'search-sql-athena-every-field', args: ['search', '--sql', '--dialect', 'athena', EVERY_FIELD] },
  {
    name: 'search-sql-trino-every-field',
    args: [
      'search',
      '--sql',
      '--dialect',
      'trino',
      '--table',
      'hive.logs.cloudtrail',
      '--sort',
      'oldest',
      '--limit',
      '0',
      EVERY_FIELD,
    ],
  },
  { name: 'search-sql-trino-hostile', args: ['search', '--sql', '--dialect', 'trino', HOSTILE] },
  {
    name: 'search-sql-duckdb-every-field',
    args: ['search', '--sql', '--dialect', 'duckdb', '--from', '/cases/acme/AWSLogs', EVERY_FIELD],
  },
  {
    name: 'search-sql-duckdb-hostile',
    args: ['search', '--sql', '--dialect', 'duckdb', '--from', "/cases/o'brien/AWSLogs", HOSTILE],
  },
  {
    name: 'search-sql-clickhouse-s3',
    args: [
      'search',
      '--sql',
      '--dialect',
      'clickhouse',
      '--from',
      's3://acme-trail/AWSLogs',
      'error:AccessDenied* ip:203.0.113.0/24',
    ],
  },
  {
    name: 'search-sql-clickhouse-hostile',
    args: ['search', '--sql', '--dialect', 'clickhouse', '--from', '/cases/acme/AWSLogs', HOSTILE],
  },
  {
    name: 'athena-table-org',
    args: [
      'athena-table',
      '--bucket',
      'acme-trail',
      '--org',
      'o-a1b2c3d4e5',
      '--account',
      '111122223333',
      '--account',
      '444455556666',
      '--region',
      'us-east-1',
      '--region',
      'eu-west-1',
      '--first-day',
      '2024/01/01',
    ],
  },
  {
    name: 'athena-table-prefix-every-region',
    args: ['athena-table', '--bucket', 'acme-trail', '--prefix', 'security/trails', '--table', 'security.cloudtrail'],
  },
];

const golden = (name: string): string => readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8');

describe('dialect statements (golden)', () => {
  it.each(CASES)('$name', ({ name, args }) => {
    const result = runCli(args);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toBe(golden(`${name}.sql`));
  });

  it('the athena dialect reads the table athena-table creates, filtering its day partition from since:/until:', () => {
    expect(golden('athena-table-org.sql')).toContain('CREATE EXTERNAL TABLE cloudtrail_logs (');
    expect(golden('athena-table-org.sql')).toContain(
      'PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)',
    );
    const incident = golden('search-sql-athena-incident.sql');
    expect(incident).toContain(
      'FROM cloudtrail_logs\nWHERE "timestamp" >= \'2026/03/03\'\n  AND "timestamp" <= \'2026/03/04\'\n',
    );
    expect(golden('search-sql-athena-or-keeps-every-day.sql')).not.toContain('"timestamp"');
  });
});

describe('dialect errors name the dialect and the construct', () => {
  it.each([
    {
      name: 'search-duckdb-without-from',
      args: ['search', '--sql', '--dialect', 'duckdb', 'action:RunTask'],
      status: 2,
    },
    { name: 'search-dialect-without-sql', args: ['search', '--dialect', 'athena', 'action:RunTask'], status: 2 },
    {
      name: 'search-athena-bad-table',
      args: ['search', '--sql', '--dialect', 'athena', '--table', 'x; DROP TABLE y', 'action:RunTask'],
      status: 2,
    },
    { name: 'search-athena-bad-query', args: ['search', '--sql', '--dialect', 'athena', 'ip:10.0.0.0/33'], status: 2 },
    { name: 'athena-table-bad-org', args: ['athena-table', '--bucket', 'acme-trail', '--org', "o-x' OR 1"], status: 2 },
  ])('$name', ({ name, args, status }) => {
    const result = runCli(args);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status,
      stdout: '',
      stderr: golden(`${name}.stderr.txt`),
    });
  });

  it.each(['athena', 'trino'] as const)('%s: a field the CloudTrail table does not have', (dialect) => {
    const predicate = { kind: 'compare', path: 'userIdentity.favouriteColour', op: 'equals', value: 'x' } as const;
    expect(() => renderPredicateStatement(dialect, predicate, { query: 'rule', sort: 'newest', limit: 10 })).toThrow(
      DialectError,
    );
    expect(() => renderPredicateStatement(dialect, predicate, { query: 'rule', sort: 'newest', limit: 10 })).toThrow(
      `cannot write this for --dialect ${dialect}:` +
        ' "userIdentity.favouriteColour" is not a field of the CloudTrail table',
    );
  });

  it.each(['duckdb', 'clickhouse', 'athena'] as const)(
    '%s: a field path that is not a plain dotted name',
    (dialect) => {
      const predicate = { kind: 'compare', path: "requestParameters.a'b", op: 'present', value: '' } as const;
      expect(() =>
        renderPredicateStatement(dialect, predicate, { query: 'rule', from: '/x', sort: 'newest', limit: 10 }),
      ).toThrow(`cannot write this for --dialect ${dialect}: field "requestParameters.a'b" is not a plain dotted path`);
    },
  );

  it("JSON paths below requestParameters are reached in each dialect's terms", () => {
    const predicate = {
      kind: 'compare',
      path: 'requestParameters.bucketName',
      op: 'startsWith',
      value: 'prod_%',
    } as const;
    const where = (dialect: 'duckdb' | 'clickhouse' | 'athena') =>
      renderPredicateStatement(dialect, predicate, { query: 'rule', from: '/x', sort: 'newest', limit: 1 })
        .split('\nWHERE ')[1]!
        .split('\n')[0];
    expect(where('duckdb')).toBe(`(record->>'$.requestParameters.bucketName') ILIKE 'prod\\_\\%%' ESCAPE '\\'`);
    expect(where('clickhouse')).toBe(
      `nullIf(JSONExtractString(record, 'requestParameters', 'bucketName'), '') ILIKE 'prod\\\\_\\\\%%'`,
    );
    expect(where('athena')).toBe(
      `lower(json_extract_scalar(requestparameters, '$.bucketName')) LIKE 'prod\\_\\%%' ESCAPE '\\'`,
    );
  });
});

describe('help', () => {
  it('athena-table --help describes every option', () => {
    const result = runCli(['athena-table', '--help']);
    expect(result.status).toBe(0);
    for (const option of ['--bucket', '--prefix', '--org', '--account', '--region', '--table', '--first-day'])
      expect(result.stdout).toContain(option);
  });

  it('search --help describes --dialect, --from and --table', () => {
    const result = runCli(['search', '--help']);
    for (const option of ['--dialect', '"sqlite", "duckdb", "athena", "trino", "clickhouse"', '--from', '--table'])
      expect(result.stdout).toContain(option);
  });
});
