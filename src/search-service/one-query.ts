/**
 * What "one query" means across the search threads. A typed query is answered by three threads
 * (threads.ts): the page on one, the count on another, the timeline and facets on a third. Each
 * compiles the text itself, so they agree only if they compile it against the same instant: a
 * relative time (`since:1h`) read a few milliseconds apart on each thread would let the count and
 * the page disagree at the edge. The client therefore stamps every query-scoped request with the
 * instant of its query (`queryClock`), and each thread compiles `(text, nowMs)`, never its own clock.
 */

/** A query as every thread reads it: the text as typed, and the instant its relative times count from. */
export interface OneQuery {
  readonly text: string;
  readonly nowMs: number;
}

/**
 * How long one instant serves the same text: requests for one typed query (page, count, timeline,
 * facets, then the pages the cursor reaches) share it, yet relative times must not freeze for a
 * whole session, so a query typed again later counts from its own moment.
 */
export const QUERY_INSTANT_TTL_MS = 5_000;

/** The instant for each query text: the same for every request of one typed query. */
export function createQueryClock(
  now: () => number = Date.now,
  ttlMs = QUERY_INSTANT_TTL_MS,
): (text: string) => OneQuery {
  let last: OneQuery | null = null;
  return (text) => {
    const nowMs = now();
    if (last?.text !== text || nowMs - last.nowMs > ttlMs) last = { text, nowMs };
    return last;
  };
}

/** One compilation per query and instant: the requests a thread answers for one query reuse it. */
export function lastCompiledPerQuery<T>(compileAt: (text: string, now: Date) => T): (query: OneQuery) => T {
  let last: { query: OneQuery; compiled: T } | null = null;
  return (query) => {
    if (last?.query.text !== query.text || last.query.nowMs !== query.nowMs)
      last = { query, compiled: compileAt(query.text, new Date(query.nowMs)) };
    return last.compiled;
  };
}
