import { describe, expect, it } from 'vitest';
import { createQueryClock, lastCompiledPerQuery, QUERY_INSTANT_TTL_MS } from '../src/search-service/one-query.js';

describe('one query across the search threads', () => {
  it('gives every request of one typed query the same instant, and a new query its own', () => {
    let nowMs = 1_000;
    const queryAt = createQueryClock(() => nowMs);
    expect(queryAt('since:1h')).toEqual({ text: 'since:1h', nowMs: 1_000 });
    nowMs = 1_000 + QUERY_INSTANT_TTL_MS;
    expect(queryAt('since:1h')).toEqual({ text: 'since:1h', nowMs: 1_000 });
    expect(queryAt('since:2h')).toEqual({ text: 'since:2h', nowMs: 1_000 + QUERY_INSTANT_TTL_MS });
    nowMs += QUERY_INSTANT_TTL_MS + 1;
    expect(queryAt('since:2h')).toEqual({ text: 'since:2h', nowMs: 1_000 + 2 * QUERY_INSTANT_TTL_MS + 1 });
  });

  it('compiles against the stamped instant, never the thread clock, and once per query and instant', () => {
    const compiled: string[] = [];
    const compile = lastCompiledPerQuery((text, now) => {
      compiled.push(`${text}@${now.toISOString()}`);
      return `${text}@${now.getTime()}`;
    });
    expect(compile({ text: 'since:1h', nowMs: 0 })).toBe('since:1h@0');
    expect(compile({ text: 'since:1h', nowMs: 0 })).toBe('since:1h@0');
    expect(compile({ text: 'since:1h', nowMs: 7 })).toBe('since:1h@7');
    expect(compiled).toEqual(['since:1h@1970-01-01T00:00:00.000Z', 'since:1h@1970-01-01T00:00:00.007Z']);
  });
});
