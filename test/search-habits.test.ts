import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileQuery, MAX_COMPARISONS, MAX_WORDS, QueryError } from '../src/search/compile.js';
import { allMatches, countMatches, runSearch } from '../src/search/engine.js';
import { MAX_NESTING, parseQuery } from '../src/search/parse.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import type { Rec } from './helpers/samples.js';
import { runCli } from './helpers/run-cli.js';
import { separateQuery } from '../src/commands/arguments.js';
import { loadCommand } from '../src/commands/all.js';

/**
 * issue 14: Lucene habits (item 2), event handles (item 4), limits (item 5), huge queries (item 7), the command line
 * (item 3).
 */
const samples = indexSamplesForSuite();

const idsOf = (query: string) =>
  [...allMatches(samples.db, compileQuery(query), 'newest', 1000)].map((row) => row.event_id).sort();
const want = (predicate: (r: Rec) => boolean) =>
  samples.records
    .filter(predicate)
    .map((r) => r.eventID)
    .sort();
const countOf = (query: string) => countMatches(samples.db, compileQuery(query));
const cli = (command: string, ...args: string[]) => runCli([command, '--db', samples.dbPath, ...args]);
/** The tree without token positions, which differ between spellings of the same query. */
const shapeOf = (query: string) =>
  JSON.parse(JSON.stringify(parseQuery(query), (key, value) => (key === 'at' ? undefined : value)));

function queryErrorOf(query: string): QueryError {
  try {
    compileQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`no error for ${query.slice(0, 40)}`);
}

describe('upper-case AND, OR and NOT work as in Lucene, Splunk and KQL', () => {
  it('NOT x is -x and a AND b is a b, in the tree every reader of it sees', () => {
    expect(shapeOf('NOT error:*')).toEqual(shapeOf('-error:*'));
    expect(shapeOf('action:RunTask AND NOT user:bob')).toEqual(shapeOf('action:RunTask -user:bob'));
    expect(shapeOf('(a OR b) AND c')).toEqual(shapeOf('(a OR b) c'));
    expect(shapeOf('NOT error:*')).toEqual({ kind: 'not', item: { kind: 'field', field: 'error', value: '*' } });
  });

  it('answers with the events the raw records say', () => {
    expect(idsOf('action:RunTask AND NOT user:ci-deploy')).toEqual(
      want((r) => r.eventName === 'RunTask' && r.userIdentity?.userName !== 'ci-deploy'),
    );
    expect(idsOf('action:RunTask OR action:StopTask')).toEqual(
      want((r) => r.eventName === 'RunTask' || r.eventName === 'StopTask'),
    );
    expect(idsOf('action:RunTask AND NOT user:ci-deploy')).toHaveLength(230);
  });

  it('an operator with nothing on one side is an error at the operator', () => {
    expect(queryErrorOf('action:RunTask AND').detail).toBe('AND needs a term on both sides');
    expect(queryErrorOf('AND x').at).toBe(0);
    expect(queryErrorOf('x NOT').detail).toBe('"NOT" must be followed by a term to exclude');
  });

  it('a lower-case and/or/not between filters is a word, and the command says how it was read', () => {
    const result = cli('search', 'action:RunTask or action:StopTask', '--count');
    expect(result.stdout).toBe('0\n');
    expect(result.stderr).toBe(
      'warning: "or" was searched as a word\n' +
        '  where: action:RunTask or action:StopTask\n' +
        '                        ^^\n' +
        '   help: write OR in upper case to use it as an operator, ' +
        'or "or" in quotes to keep it a word without this note\n',
    );
    expect(compileQuery('user:bob not action:RunTask').hints.map((hint) => hint.word)).toEqual(['not']);
    expect(compileQuery('salt and pepper').hints.map((hint) => hint.at)).toEqual([5]);
    expect(compileQuery('"rock and roll" OR x').hints).toEqual([]);
    expect(compileQuery('and').hints).toEqual([]);
  });

  it('summary and timeline say it too', () => {
    expect(cli('summary', 'user:bob and action:RunTask').stderr).toContain('warning: "and" was searched as a word');
    expect(cli('timeline', 'user:bob and action:RunTask').stderr).toContain('warning: "and" was searched as a word');
  });
});

describe('event handles', () => {
  it('id: matches the eventID, requestID or sharedEventID, in any case', () => {
    const record = samples.records.find((r) => r.requestID && r.eventID)!;
    expect(idsOf(`id:${record.eventID.toUpperCase()}`)).toEqual([record.eventID]);
    expect(idsOf(`id:${record.requestID}`)).toEqual(
      want((r) => r.requestID === record.requestID || r.sharedEventID === record.requestID),
    );
    // The page planner's first plan tests rows of the newest events one by one.
    const page = [
      ...runSearch(samples.db, compileQuery(`id:${record.requestID}`), { sort: 'newest', limit: 10, offset: 0 }),
    ]
      .map((row) => row.event_id)
      .sort();
    expect(page).toEqual(want((r) => r.requestID === record.requestID || r.sharedEventID === record.requestID));
    expect(cli('search', `id:${record.eventID}`, '--format', 'ndjson').stdout).toBe(`${JSON.stringify(record)}\n`);
  });

  it('an event id typed as free text finds that event', () => {
    const record = samples.records[17]!;
    expect(idsOf(record.eventID)).toEqual([record.eventID]);
    expect(idsOf(`"${record.eventID}"`)).toEqual([record.eventID]);
  });

  it('around:EVENTID is 15 minutes either side, around:EVENTID/1h an hour, and combines with filters', () => {
    const record = samples.records[42]!;
    const at = Date.parse(record.eventTime);
    const within = (ms: number) => (r: Rec) => Math.abs(Date.parse(r.eventTime) - at) <= ms;
    expect(idsOf(`around:${record.eventID}`)).toEqual(want(within(15 * 60_000)));
    expect(idsOf(`around:${record.eventID}/1h`)).toEqual(want(within(3_600_000)));
    expect(idsOf(`around:${record.eventID}/1h -error:*`)).toEqual(want((r) => within(3_600_000)(r) && !r.errorCode));
    expect(queryErrorOf(`around:${record.eventID}/soon`).detail).toBe('"soon" is not a span: use 90s, 15m, 1h or 2d');
  });
});

describe('queries of any size an analyst pastes', () => {
  it('5,000 ORed ip: values answer, with the matches of the ones that occur', () => {
    const known = samples.records.find((r) => /^\d+\.\d+\.\d+\.\d+$/.test(r.sourceIPAddress ?? ''))!;
    const ips = Array.from({ length: 5000 }, (_, i) => `ip:10.${(i >> 8) & 255}.${i & 255}.7`);
    const query = [...ips, `ip:${known.sourceIPAddress}`].join(' OR ');
    expect(idsOf(query)).toEqual(want((r) => r.sourceIPAddress === known.sourceIPAddress));
    expect([...runSearch(samples.db, compileQuery(query), { sort: 'newest', limit: 5, offset: 0 })]).toHaveLength(5);
  });

  it('5,000 ORed key: and user: values answer, lists wrapped in parentheses too', () => {
    const key = samples.records.find((r) => r.userIdentity?.accessKeyId)!.userIdentity.accessKeyId;
    const keys = Array.from({ length: 5000 }, (_, i) => `(key:AKIA${String(i).padStart(16, '0')})`);
    expect(countOf([...keys, `key:${key}`].join(' OR '))).toBe(want((r) => r.userIdentity?.accessKeyId === key).length);
    const users = Array.from({ length: 5000 }, (_, i) => `user:someone-${i}`);
    expect(idsOf([...users, 'user:gha-run-8812', 'user:partner-auditor'].join(' OR '))).toEqual(
      want((r) => /\/(gha-run-8812|partner-auditor)$/.test(r.userIdentity?.arn ?? '')),
    );
  });

  it('3,000 exclusions of one field answer', () => {
    const excluded = Array.from({ length: 3000 }, (_, i) => `-action:Nothing${i}`);
    expect(countOf([...excluded, '-action:RunTask'].join(' '))).toBe(want((r) => r.eventName !== 'RunTask').length);
  });

  it(
    '15,000 words, 1,500 separate filters, 100 user: patterns and 10,000 nested parentheses ' +
      'are usage errors naming the limit',
    () => {
      const words = queryErrorOf(Array.from({ length: 15000 }, (_, i) => `word${i}`).join(' '));
      const maxWords = MAX_WORDS.toLocaleString('en-US');
      expect(words.detail).toBe(`the query holds more than ${maxWords} words of free text (the limit is ${maxWords})`);
      expect(words.exitCode).toBe(2);
      const filters = queryErrorOf(
        Array.from({ length: 750 }, (_, i) => `(ip:10.0.${i >> 8}.${i & 255} action:A${i})`).join(' OR '),
      );
      expect(filters.detail).toBe(
        `the query makes more than ${MAX_COMPARISONS} comparisons per event (the limit is ${MAX_COMPARISONS})`,
      );
      expect(queryErrorOf(Array.from({ length: 100 }, (_, i) => `user:someone-${i}*`).join(' OR ')).detail).toBe(
        filters.detail,
      );
      expect(
        countOf(
          Array.from({ length: 30 }, (_, i) => `user:someone-${i}*`)
            .concat('user:gha-run-*')
            .join(' OR '),
        ),
      ).toBe(want((r) => /\/gha-run-[^/]*$/.test(r.userIdentity?.arn ?? '')).length);
      const nested = queryErrorOf(`${'('.repeat(10000)}x${')'.repeat(10000)}`);
      expect(nested.detail).toBe(
        `parentheses and negations nest more than ${MAX_NESTING} levels deep; ` +
          `simplify the query (the limit is ${MAX_NESTING})`,
      );
      expect(nested.where!.split('\n')[0]!.length).toBeLessThan(200);
      expect(queryErrorOf(`${'NOT '.repeat(10000)}x`).detail).toMatch(/nest more than/);
    },
  );

  it('5,000 words of free text answer', () => {
    const words = Array.from({ length: 4999 }, () => 'RunTask');
    expect(countOf([...words, 'ecs'].join(' '))).toBe(countOf('RunTask ecs'));
  });
});

describe('the command line never drops a query', () => {
  it('a query longer than one argument may hold comes from --query-file, a file or standard input', () => {
    const key = samples.records.find((r) => r.userIdentity?.accessKeyId?.startsWith('AKIA'))!.userIdentity.accessKeyId;
    const query = [
      ...Array.from({ length: 5000 }, (_, i) => `key:AKIA${String(i).padStart(16, '0')}`),
      `key:${key}`,
    ].join(' OR ');
    expect(query.length).toBeGreaterThan(128 * 1024);
    const expected = `${want((r) => r.userIdentity?.accessKeyId === key).length}\n`;
    const file = join(mkdtempSync(join(tmpdir(), 'trailhound-iocs-')), 'iocs.txt');
    writeFileSync(file, `${query}\n`);
    expect(cli('search', '--count', '--query-file', file)).toEqual({ status: 0, stdout: expected, stderr: '' });
    expect(runCli(['search', '--count', '--query-file', '-', '--db', samples.dbPath], { input: query })).toEqual({
      status: 0,
      stdout: expected,
      stderr: '',
    });
    const twice = cli('search', 'x', '--count', '--query-file', file);
    expect(twice.status).toBe(2);
    expect(cli('search', '--query-file', join(tmpdir(), 'no-such-iocs.txt')).stderr).toContain(
      'cannot read the query from',
    );
  });

  it('a query starting with - is a query', () => {
    const errors = samples.records.filter((r) => r.errorCode).length;
    expect(cli('search', '-error:*', '--count')).toEqual({
      status: 0,
      stdout: `${samples.records.length - errors}\n`,
      stderr: '',
    });
    expect(cli('search', 'NOT error:*', '--count').stdout).toBe(`${samples.records.length - errors}\n`);
    expect(cli('summary', '-error:*', '--by', 'action', '--format', 'json').status).toBe(0);
  });

  it('-- ends the options: what follows is the query, for every command that takes one', () => {
    const runTasks = want((r) => r.eventName === 'RunTask').length;
    expect(cli('search', '--count', '--', 'action:RunTask').stdout).toBe(`${runTasks}\n`);
    expect(cli('search', '--count', '--', '-action:RunTask').stdout).toBe(`${samples.records.length - runTasks}\n`);
    const timeline = cli('timeline', '--format', 'csv', '--limit', '0', '--', 'action:RunTask');
    expect(timeline.stdout.trim().split('\n')).toHaveLength(runTasks + 1);
    expect(cli('sql', '--', 'SELECT count(*) AS n FROM events', '--format', 'csv')).toMatchObject({ status: 2 });
  });

  it('an option value may start with -, as watch --alert "-error:*" and --offset -5 do', async () => {
    expect(
      separateQuery(['watch', 'AWSLogs', '--alert', '-error:* type:Root', '--db', 'x.db'], await loadCommand('watch')),
    ).toEqual({ argv: ['watch', 'AWSLogs', '--alert=-error:* type:Root', '--db', 'x.db'], query: undefined });
    expect(separateQuery(['search', '--offset', '-5', '-error:*', '--count'], await loadCommand('search'))).toEqual({
      argv: ['search', 'query', '--offset=-5', '--count'],
      query: '-error:*',
    });
    expect(separateQuery(['summary', '--by', 'ip'], await loadCommand('summary'))).toEqual({
      argv: ['summary', '--by=ip'],
      query: undefined,
    });
  });

  it('a query given twice, or an option after --, is a usage error', () => {
    expect(cli('search', 'action:RunTask', 'user:bob')).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'error: bad usage\n' +
        ' reason: the query was given as 2 arguments ("action:RunTask", "user:bob"); only one is searched\n' +
        '   help: quote the whole query as one argument: trailhound search "action:RunTask user:bob"\n',
    });
    expect(cli('search', '--', 'action:RunTask', '--count')).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'error: bad usage\n' +
        ' reason: "--count" comes after "--", where everything is the query\n' +
        '   help: put options before "--": trailhound search --count -- QUERY\n',
    });
  });
});

describe('limits say what they do', () => {
  it('stderr says how many matched and how many were shown when --limit stops the output', () => {
    const total = want((r) => r.eventName === 'RunTask').length;
    const result = cli('search', 'action:RunTask', '--limit', '3', '--format', 'csv');
    expect(result.stdout.trim().split('\n')).toHaveLength(4);
    expect(result.stderr).toBe(
      `warning: showing 3 of ${total.toLocaleString('en-US')} matches\n` +
        ' reason: --limit 3 stopped the output\n' +
        '   help: --limit 0 shows all; --offset 3 shows the next page\n',
    );
    expect(cli('search', 'action:RunTask', '--limit', '3', '--offset', '3', '--format', 'csv').stderr).toContain(
      `showing 4-6 of ${total.toLocaleString('en-US')} matches`,
    );
  });

  it('--limit 0 means all, as elsewhere', () => {
    const total = want((r) => r.eventName === 'RunTask').length;
    const result = cli('search', 'action:RunTask', '--limit', '0', '--format', 'ndjson');
    expect(result.stdout.trim().split('\n')).toHaveLength(total);
    expect(result.stderr).toBe('');
  });

  it.each([
    ['abc', 'something that is not a number'],
    ['-5', '-5'],
    ['1e20', '100000000000000000000'],
  ])('--limit %s is a usage error', (value, got) => {
    const result = cli('search', 'action:RunTask', '--limit', value);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: bad --limit\n' +
        ` reason: expected a whole number, 0 or more; got ${got}\n` +
        '   help: use --limit 0 for no limit\n',
    );
  });

  it('a bad --offset, and a bad --limit of timeline and summary, are usage errors too', () => {
    expect(cli('search', 'action:RunTask', '--offset', '-5')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^error: bad --offset\n/),
    });
    expect(cli('timeline', 'action:RunTask', '--limit', '1e20').status).toBe(2);
    expect(cli('summary', 'action:RunTask', '--limit', 'abc').status).toBe(2);
  });

  it('an empty result says 0 matches on stderr', () => {
    expect(cli('search', 'action:NoSuchAction', '--format', 'ndjson')).toEqual({
      status: 0,
      stdout: '',
      stderr: '0 matches\n',
    });
  });
});
