import { describe, expect, it } from 'vitest';
import { compileQuery } from '../src/search/compile.js';
import type { CompiledQuery } from '../src/search/compile.js';
import {
  allMatches,
  countFacets,
  countMatches,
  countMatchesUpTo,
  runSearch,
  searchStatement,
} from '../src/search/engine.js';
import type { Page } from '../src/search/engine.js';
import { runCli } from './helpers/run-cli.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import type { Rec } from './helpers/samples.js';

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : undefined);
const ipv4 = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const identityValues = (r: Rec) =>
  [
    r.userIdentity?.arn,
    r.userIdentity?.userName,
    r.userIdentity?.principalId,
    r.userIdentity?.sessionContext?.sessionIssuer?.arn,
    r.userIdentity?.sessionContext?.sessionIssuer?.userName,
  ].map(lower);
const words = (value: unknown): string[] =>
  JSON.stringify(value ?? null)
    .toLowerCase()
    .match(/[a-z0-9]+/g) ?? [];
const containsPhrase = (value: unknown, phrase: string[]) => {
  const all = words(value);
  return all.some((_, i) => phrase.every((word, j) => all[i + j] === word));
};

/** Each documented filter, and the same question asked of the raw records in plain TypeScript. */
const CASES: [string, (r: Rec) => boolean][] = [
  ['action:RunTask', (r) => r.eventName === 'RunTask'],
  ['action:delete*', (r) => r.eventName.toLowerCase().startsWith('delete')],
  ['source:ecs', (r) => r.eventSource === 'ecs.amazonaws.com'],
  ['user:ci-deploy', (r) => identityValues(r).includes('ci-deploy')],
  ['user:CI-Deploy', (r) => identityValues(r).includes('ci-deploy')],
  ['user:ci', (r) => identityValues(r).includes('ci')],
  [
    'user:arn:aws:iam::111122223333:user/ci-deploy',
    (r) => identityValues(r).includes('arn:aws:iam::111122223333:user/ci-deploy'),
  ],
  ['user:*deploy', (r) => identityValues(r).some((v) => v?.endsWith('deploy'))],
  [
    'user:arn:aws:sts::111122223333:assumed-role/GitHubActionsDeploy/*',
    (r) => identityValues(r).some((v) => v?.startsWith('arn:aws:sts::111122223333:assumed-role/githubactionsdeploy/')),
  ],
  ['type:AssumedRole', (r) => r.userIdentity?.type === 'AssumedRole'],
  ['type:Root', (r) => r.userIdentity?.type === 'Root'],
  ['key:ASIA*', (r) => String(r.userIdentity?.accessKeyId ?? '').startsWith('ASIA')],
  ['ip:198.51.100.0/24', (r) => /^198\.51\.100\.\d+$/.test(r.sourceIPAddress)],
  [
    'ip:192.0.2.0/25',
    (r) =>
      /^\d+\.\d+\.\d+\.\d+$/.test(r.sourceIPAddress) &&
      ipv4(r.sourceIPAddress) >= ipv4('192.0.2.0') &&
      ipv4(r.sourceIPAddress) <= ipv4('192.0.2.127'),
  ],
  ['ip:ecs.amazonaws.com', (r) => r.sourceIPAddress === 'ecs.amazonaws.com'],
  ['ip:198.51', (r) => r.sourceIPAddress === '198.51'],
  ['region:eu-west-1', (r) => r.awsRegion === 'eu-west-1'],
  [
    'account:444455556666',
    (r) => r.recipientAccountId === '444455556666' || r.userIdentity?.accountId === '444455556666',
  ],
  [
    'resource:default-sync',
    (r) => containsPhrase([r.requestParameters, r.resources, r.responseElements], ['default', 'sync']),
  ],
  [
    'error:AccessDenied*',
    (r) =>
      String(r.errorCode ?? '')
        .toLowerCase()
        .startsWith('accessdenied'),
  ],
  ['error:*', (r) => r.errorCode !== undefined],
  ['-error:*', (r) => r.errorCode === undefined],
  ['readonly:false', (r) => r.readOnly === false],
  [
    'since:2026-03-03T14:00Z until:2026-03-03T14:30Z',
    (r) => r.eventTime >= '2026-03-03T14:00:00Z' && r.eventTime <= '2026-03-03T14:30:00Z',
  ],
  ['until:2026-03-02', (r) => r.eventTime < '2026-03-03'],
  ['xmrig', (r) => words(r).includes('xmrig')],
  ['"sync-worker"', (r) => containsPhrase(r, ['sync', 'worker'])],
  [
    'user:ci-deploy (action:CreateService OR action:RunTask) -region:us-east-1',
    (r) =>
      identityValues(r).includes('ci-deploy') &&
      ['CreateService', 'RunTask'].includes(r.eventName) &&
      r.awsRegion !== 'us-east-1',
  ],
  [
    'ip:198.51.100.23 -error:* since:2026-03-03',
    (r) => r.sourceIPAddress === '198.51.100.23' && r.errorCode === undefined && r.eventTime >= '2026-03-03',
  ],
];

describe('search over samples/, answers computed from the raw files', () => {
  const suite = indexSamplesForSuite();

  /** The page's row ids as the indexed statement alone finds them (what `--sql` prints). */
  const indexedPageIds = (compiled: CompiledQuery, page: Page) => {
    const statement = searchStatement(compiled, page);
    return (suite.db.prepare(statement.sql).all(...statement.params) as { row_id: number }[]).map((row) => row.row_id);
  };

  it.each(CASES)('%s', (query, predicate) => {
    const compiled = compileQuery(query);
    const expected = suite.records
      .filter(predicate)
      .map((r) => r.eventID)
      .sort();
    const found = [
      ...runSearch(suite.db, compiled, { sort: 'newest', limit: 100_000, offset: 0 }, { withRecord: true }),
    ]
      .map((row) => JSON.parse(row.record!).eventID)
      .sort();
    expect(found).toEqual(expected);
    expect(countMatches(suite.db, compiled)).toBe(expected.length);
  });

  it('a first page, found among the newest events or through indexes, holds the newest matches', () => {
    for (const [query, predicate] of CASES) {
      const compiled = compileQuery(query);
      for (const sort of ['newest', 'oldest'] as const) {
        const page = [...runSearch(suite.db, compiled, { sort, limit: 50, offset: 0 })];
        const times = suite.records
          .filter(predicate)
          .map((r) => r.eventTime as string)
          .sort();
        const expected = sort === 'newest' ? times.reverse().slice(0, 50) : times.slice(0, 50);
        expect(
          page.map((row) => row.event_time),
          `${query} ${sort}`,
        ).toEqual(expected);
        expect(page.map((row) => row.row_id)).toEqual(indexedPageIds(compiled, { sort, limit: 50, offset: 0 }));
      }
    }
  });

  it(
    'free text, common or rare, one word or several: the same pages as the indexed plan, ' +
      'and counts capped exactly',
    () => {
      const common = compileQuery('us');
      // 'us' is in 5,788 of the 8,979 sample events: common enough that the page is planned as a row-by-row test.
      expect({ matches: countMatches(suite.db, common), events: suite.records.length }).toEqual({
        matches: 5788,
        events: 8979,
      });
      for (const query of [
        'us',
        'us east',
        'east 1',
        'runtask',
        'deploy',
        'xmrig',
        'zzzznothing',
        'us action:RunTask',
      ]) {
        const compiled = compileQuery(query);
        for (const sort of ['newest', 'oldest'] as const) {
          for (const limit of [10, 50]) {
            const page = [...runSearch(suite.db, compiled, { sort, limit, offset: 0 })].map((row) => row.row_id);
            expect(page, `${query} ${sort} ${limit}`).toEqual(indexedPageIds(compiled, { sort, limit, offset: 0 }));
          }
        }
        const total = countMatches(suite.db, compiled);
        for (const cap of [5, 1000, 100_000]) {
          expect(countMatchesUpTo(suite.db, compiled, cap), `${query} cap ${cap}`).toEqual({
            count: Math.min(total, cap),
            capped: total > cap,
          });
        }
      }
    },
  );

  it('orders newest first by default and oldest first on request, and pages without overlap', () => {
    const compiled = compileQuery('source:ecs');
    const newest = [...runSearch(suite.db, compiled, { sort: 'newest', limit: 40, offset: 0 })];
    const times = newest.map((row) => row.event_time!);
    expect(times).toEqual([...times].sort().reverse());
    expect(times[0]).toBe(
      suite.records
        .filter((r) => r.eventSource === 'ecs.amazonaws.com')
        .map((r) => r.eventTime)
        .sort()
        .at(-1),
    );
    const oldest = [...runSearch(suite.db, compiled, { sort: 'oldest', limit: 5, offset: 0 })].map(
      (row) => row.event_time,
    );
    expect(oldest).toEqual([...oldest].sort());
    const secondPage = [...runSearch(suite.db, compiled, { sort: 'newest', limit: 20, offset: 20 })].map(
      (row) => row.row_id,
    );
    expect(secondPage).toEqual(newest.slice(20).map((row) => row.row_id));
  });

  it('streams every match for an export, in the indexed order across page boundaries, records included', () => {
    for (const query of ['source:ecs', 'us', 'error:AccessDenied*', '']) {
      const compiled = compileQuery(query);
      for (const sort of ['newest', 'oldest'] as const) {
        const all = indexedPageIds(compiled, { sort, limit: -1, offset: 0 });
        const streamed = [...allMatches(suite.db, compiled, sort, 7, { withRecord: true })];
        expect(
          streamed.map((row) => row.row_id),
          `${query} ${sort}`,
        ).toEqual(all);
        expect(streamed.every((row) => JSON.parse(row.record!).eventID === row.event_id)).toBe(true);
      }
    }
  });

  it('counts facets for the current query', () => {
    const facets = countFacets(suite.db, compileQuery('error:AccessDenied*'));
    const denied = suite.records.filter((r) => String(r.errorCode ?? '').startsWith('AccessDenied'));
    const byAction = new Map<string, number>();
    for (const r of denied) byAction.set(r.eventName, (byAction.get(r.eventName) ?? 0) + 1);
    const top = [...byAction.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    expect(facets.complete).toBe(true);
    expect(facets.counted).toBe(denied.length);
    expect(facets.facets.action[0]).toEqual({ value: top[0], count: top[1] });
    expect(facets.facets.error.reduce((sum, f) => sum + f.count, 0)).toBe(denied.length);
  });

  it('answers every selective filter from an index or the full-text table, never by scanning events', () => {
    const selective = CASES.map(([query]) => query).filter(
      (query) => !/^(-?error:\*|readonly:|user:\*|until:)/.test(query),
    );
    for (const query of selective) {
      const statement = searchStatement(compileQuery(query), { sort: 'newest', limit: 50, offset: 0 });
      const plan = (
        suite.db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[]
      ).map((row) => row.detail);
      expect(
        plan.filter((detail) => /^SCAN r\b/.test(detail)),
        `${query}\n${plan.join('\n')}`,
      ).toEqual([]);
    }
  });

  it('reads broad filters along the time index, stopping at the page size', () => {
    for (const query of ['error:*', '-error:*', 'readonly:false', '']) {
      const statement = searchStatement(compileQuery(query), { sort: 'newest', limit: 50, offset: 0 });
      const plan = (
        suite.db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[]
      ).map((row) => row.detail);
      expect(
        plan.every((detail) => !/^SCAN r$/.test(detail)),
        plan.join('\n'),
      ).toBe(true);
      expect(
        plan.some((detail) => /USING (COVERING )?INDEX event_rows_time/.test(detail)),
        plan.join('\n'),
      ).toBe(true);
    }
  });

  it('CLI: ndjson prints the original records, --sql runs in trailhound sql, bad queries exit 2', () => {
    const ndjson = runCli(['search', 'xmrig', '--format', 'ndjson', '--db', suite.dbPath]);
    expect(ndjson.status).toBe(0);
    const lines = ndjson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((r) => r.eventID)).toEqual(
      suite.records.filter((r) => words(r).includes('xmrig')).map((r) => r.eventID),
    );
    const sql = runCli(['search', 'action:RunTask region:ap-southeast-2', '--sql', '--format', 'json']);
    const { sql: statement, params } = JSON.parse(sql.stdout);
    const viaSql = runCli([
      'sql',
      statement,
      '--params',
      JSON.stringify(params),
      '--format',
      'ndjson',
      '--db',
      suite.dbPath,
    ]);
    expect(viaSql.status).toBe(0);
    const expected = suite.records.filter((r) => r.eventName === 'RunTask' && r.awsRegion === 'ap-southeast-2').length;
    expect(viaSql.stdout.trim().split('\n')).toHaveLength(Math.min(50, expected));
    const count = runCli(['search', 'action:RunTask region:ap-southeast-2', '--count', '--db', suite.dbPath]);
    expect(count.stdout.trim()).toBe(String(expected));
    const bad = runCli(['search', 'acton:RunTask', '--db', suite.dbPath]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('did you mean "action:"?');
  });
});
