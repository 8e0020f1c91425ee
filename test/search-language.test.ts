import { describe, expect, it } from 'vitest';
import { compileQuery, QueryError } from '../src/search/compile.js';
import { parseQuery } from '../src/search/parse.js';
import { patternExpression } from '../src/search/fts.js';
import { valueToken } from '../src/normalize/value-token.js';
import { parseIpv4Cidr, parseTimeBound } from '../src/search/values.js';

const now = new Date('2026-03-05T12:00:00Z');
const compile = (query: string) => compileQuery(query, { now }).where;

function errorOf(query: string): QueryError {
  try {
    compileQuery(query, { now });
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`no error for ${query}`);
}

describe('parsing', () => {
  it('ANDs adjacent terms, binds OR looser than AND, and reads negation, groups and phrases', () => {
    expect(parseQuery('a -b (c OR "d e") f:x')).toEqual({
      kind: 'and',
      items: [
        { kind: 'text', value: 'a', at: 0 },
        { kind: 'not', item: { kind: 'text', value: 'b', at: 3 } },
        {
          kind: 'or',
          items: [
            { kind: 'text', value: 'c', at: 6 },
            { kind: 'text', value: 'd e', at: 11 },
          ],
        },
        { kind: 'field', field: 'f', value: 'x', at: 18 },
      ],
    });
    expect(parseQuery('a b OR c')).toEqual({
      kind: 'or',
      items: [
        {
          kind: 'and',
          items: [
            { kind: 'text', value: 'a', at: 0 },
            { kind: 'text', value: 'b', at: 2 },
          ],
        },
        { kind: 'text', value: 'c', at: 7 },
      ],
    });
  });

  it('keeps hyphens, colons and slashes inside values, and quoted field values whole', () => {
    expect(parseQuery('user:arn:aws:iam::1:user/ci-deploy')).toEqual({
      kind: 'field',
      field: 'user',
      value: 'arn:aws:iam::1:user/ci-deploy',
      at: 0,
    });
    expect(parseQuery('ci-deploy')).toEqual({ kind: 'text', value: 'ci-deploy', at: 0 });
    expect(parseQuery('USER:"a b"')).toEqual({ kind: 'field', field: 'user', value: 'a b', at: 0 });
    expect(parseQuery('   ')).toEqual({ kind: 'all' });
  });
});

describe('compiling to SQL with bound parameters', () => {
  const viaFts = (column: string, expression: string, check: string, ...params: unknown[]) => ({
    sql: `e.row_id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?) AND (${check})`,
    params: [`{${column}} : (${expression})`, ...params],
  });

  it.each([
    ['action:RunTask', { sql: 'e.event_name_base = ? COLLATE NOCASE', params: ['RunTask'] }],
    ['action:CreateService20141113', { sql: 'e.event_name_base = ? COLLATE NOCASE', params: ['CreateService'] }],
    ['source:ecs', viaFts('action', '"ecs"', 'e.event_source = ? COLLATE NOCASE', 'ecs.amazonaws.com')],
    ['error:AccessDenied', viaFts('error', '"AccessDenied"', 'e.error_code = ? COLLATE NOCASE', 'AccessDenied')],
    ['ip:203.0.113.0/24', { sql: 'e.source_ipv4_int BETWEEN ? AND ?', params: [3405803776, 3405804031] }],
    ['ip:203.0.113.9', { sql: 'e.source_ipv4_int = ?', params: [3405803785] }],
    ['error:*', { sql: '(e.error_code IS NOT NULL)', params: [] }],
    ['readonly:false', { sql: 'e.read_only = ?', params: [0] }],
    ['since:24h', { sql: 'e.event_time >= ?', params: ['2026-03-04T12:00:00Z'] }],
    ['until:2024-05-01', { sql: 'e.event_time <= ?', params: ['2024-05-01T23:59:59Z'] }],
    ['-error:*', { sql: 'NOT coalesce(((e.error_code IS NOT NULL)), 0)', params: [] }],
  ])('%s', (query, expected) => {
    expect(compile(query)).toEqual(expected);
  });

  it('checks a wildcard with a range on its literal prefix, then LIKE for the rest', () => {
    expect(compile('action:Delete*')).toEqual({
      sql:
        'e.event_name_base >= ? COLLATE NOCASE AND e.event_name_base < ? COLLATE NOCASE ' +
        "AND e.event_name_base LIKE ? ESCAPE '\\'",
      params: ['Delete', 'Delete\u{10FFFF}', 'Delete%'],
    });
  });

  it('tests rows without the full-text lookup when scanning the newest events', () => {
    expect(compileQuery('source:ecs', { now }).rowWhere).toEqual({
      sql: '(e.event_source = ? COLLATE NOCASE)',
      params: ['ecs.amazonaws.com'],
    });
  });

  it(
    'narrows identity filters through the whole-value token in the full-text index, ' +
      'then checks every form exactly',
    () => {
      const where = compile('user:ci-deploy');
      expect(where.sql).toMatch(
        new RegExp(
          '^e\\.row_id IN \\(SELECT rowid FROM events_fts WHERE events_fts MATCH \\?\\) ' +
            "AND \\(e\\.user_identity_arn LIKE \\? ESCAPE '\\\\' OR ",
        ),
      );
      expect(where.params[0]).toBe(`{identity} : ("${valueToken('ci-deploy')}")`);
      expect(where.params.slice(1).every((param) => param === 'ci-deploy')).toBe(true);
    },
  );

  it('narrows a wildcard identity through its words, since no whole value is known', () => {
    expect(compile('user:ci-dep*').params[0]).toBe('{identity} : ("ci dep" *)');
  });

  it(
    'gives each whole value one token: the same for values equal under COLLATE NOCASE, ' +
      'another for any other value',
    () => {
      const token = valueToken('arn:aws:iam::111122223333:user/CI-Deploy');
      expect(token).toMatch(/^vt[0-9a-z]{14}$/);
      expect(valueToken('ARN:AWS:IAM::111122223333:USER/ci-deploy')).toBe(token);
      const others = [
        'arn:aws:iam::111122223333:user/CI-Deploy2',
        'arn:aws:iam::111122223333:user/CI',
        'ci-deploy',
        '198.51',
        '198.51.100.23',
        'Émile',
        'émile',
      ];
      expect(new Set([token, ...others.map(valueToken)]).size).toBe(others.length + 1);
    },
  );

  it('never lets user text reach SQL or FTS syntax: every value is a bound parameter and quoted for FTS', () => {
    const hostile = `x'); DROP TABLE files; -- "NEAR(a b)" OR * AND :`;
    for (const query of [
      `"${hostile.replace(/"/g, '')}"`,
      `user:"${hostile.replace(/"/g, '')}"`,
      `action:"${hostile.replace(/"/g, '')}"`,
      `resource:"${hostile.replace(/"/g, '')}"`,
    ]) {
      const where = compile(query);
      expect(where.sql).not.toContain('DROP');
      expect(where.sql).not.toContain("'); ");
      expect(where.params.some((param) => String(param).includes('DROP'))).toBe(true);
    }
    expect(compile('"b NEAR c"').params).toEqual(['"b NEAR c"']);
    expect(compile('"say \\"hi\\""').params).toEqual(['"say hi"']);
  });

  it('turns wildcard patterns into the words they must contain', () => {
    // The arn:aws: prefix is in every ARN, so neither the index nor the query keeps its words.
    expect(patternExpression('arn:aws:iam::*:user/ci*')).toBe('"iam" AND "user ci" *');
    expect(patternExpression('arn:aws:iam::*:user/ci-*')).toBe('"iam" AND "user ci"');
    expect(patternExpression('*deploy*')).toBeNull();
    expect(patternExpression('*:user/bob')).toBe('"user bob"');
  });
});

describe('errors point at the token and suggest a fix', () => {
  it('unknown field, with the closest valid one', () => {
    const error = errorOf('action:RunTask usr:bob');
    expect(error.detail).toBe('unknown field "usr:"; did you mean "user:"?');
    expect(error.at).toBe(15);
    expect(error.where).toBe('action:RunTask usr:bob\n               ^^^^');
  });

  it.each([
    ['since:yesterday', 0, /not a time/],
    ['ip:10.0.0.0/33', 0, /not a CIDR range/],
    ['a readonly:maybe', 2, /not true or false/],
    ['(a OR b', 0, /never closed/],
    ['a OR', 2, /OR needs a term/],
    ['"abc', 0, /unclosed quote/],
    ['a )', 2, /unmatched/],
    ['user:', 0, /needs a value/],
  ])('%s', (query, at, message) => {
    const error = errorOf(query);
    expect(error.detail).toMatch(message);
    expect(error.at).toBe(at);
  });
});

describe('values', () => {
  it('reads times in every documented form', () => {
    expect(parseTimeBound('7d', 'since', now)).toBe('2026-02-26T12:00:00Z');
    expect(parseTimeBound('90m', 'since', now)).toBe('2026-03-05T10:30:00Z');
    expect(parseTimeBound('2024-05-01T12:00Z', 'until', now)).toBe('2024-05-01T12:00:00Z');
    expect(parseTimeBound('2024-05-01T12:00:30+02:00', 'since', now)).toBe('2024-05-01T10:00:30Z');
    expect(parseTimeBound('2024-05-01', 'since', now)).toBe('2024-05-01T00:00:00Z');
    expect(() => parseTimeBound('2024-02-30', 'since', now)).toThrow(/not a time/);
  });

  it('covers CIDR blocks exactly', () => {
    expect(parseIpv4Cidr('10.0.0.0/8')).toEqual({ first: 167772160, last: 184549375 });
    expect(parseIpv4Cidr('10.1.2.3/32')).toEqual({ first: 167838211, last: 167838211 });
    expect(parseIpv4Cidr('10.1.2.3/24')).toEqual({ first: 167838208, last: 167838463 });
    expect(() => parseIpv4Cidr('2001:db8::/32')).toThrow(/IPv4/);
  });
});
