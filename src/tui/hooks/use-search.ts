import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventListRow, FacetCounts } from '../../search/engine.js';
import type { HourlyCounts } from '../../search/browse.js';
import { COUNT_CAP, PAGE_SIZE } from '../../search-service/protocol.js';
import type { QueryProblem, SearchClient, SearchRequest } from '../../search-service/protocol.js';

/** What the screen shows of one query's results; pages are fetched as the cursor reaches them. */
export interface ResultsState {
  /** The generation these results belong to; it grows with every query sent. */
  readonly generation: number;
  /** The query these results answer, or null before the first answer. */
  readonly query: string | null;
  readonly pages: ReadonlyMap<number, readonly EventListRow[]>;
  /** The exact number of results, once a page came back short. */
  readonly endAt: number | null;
  readonly count: { readonly count: number; readonly capped: boolean } | null;
  /** The newest row id when these results were read. */
  readonly maxRowId: number;
  readonly facets: FacetCounts | null;
  readonly timeline: HourlyCounts | null;
  /** Why the query `problemFor` does not parse; the previous results stay. */
  readonly problem: QueryProblem | null;
  readonly problemFor: string | null;
  readonly failure: string | null;
  readonly running: boolean;
}

export interface SearchControls {
  readonly results: ResultsState;
  /** Fetches the pages holding rows [from, to) that are not loaded yet. */
  loadRows(from: number, to: number): void;
  /** Runs the typed query now rather than after the typing pause (again, if it ran already). */
  runNow(): void;
  /** Runs the shown query again, for events indexed since. */
  refresh(): void;
  /** Counts every match (the usual count stops at COUNT_CAP). */
  countAll(): void;
}

const EMPTY: ResultsState = {
  generation: -1,
  query: null,
  pages: new Map(),
  endAt: null,
  count: null,
  maxRowId: 0,
  facets: null,
  timeline: null,
  problem: null,
  problemFor: null,
  failure: null,
  running: false,
};

/** Pages kept either side of the places last asked for; the rest are dropped, so memory stays flat. */
const PAGES_KEPT = 4;

/** How many of the last places rows were asked for keep their pages. */
const RECENT_ASKS = 4;

/**
 * Searches as the user types, the way emoj does (STYLE.md): the query runs once typing pauses for
 * `debounceMs` (120 ms: below that most keystrokes of a word start a search that is thrown away;
 * much above it the screen feels behind), and answers to a query that has since changed are
 * dropped by generation number, so a slow early search never overwrites a newer one.
 */
export function useSearch(
  client: SearchClient,
  query: string,
  options: { debounceMs: number; wantFacets: boolean },
): SearchControls {
  const [results, setResults] = useState<ResultsState>(EMPTY);
  // Answers for an older query are dropped: they must not touch the newer results.
  const updateIfCurrent = useCallback((generation: number, update: (state: ResultsState) => ResultsState) => {
    setResults((state) => (state.generation === generation ? update(state) : state));
  }, []);
  const latest = useRef({
    results,
    query,
    generation: -1,
    sent: null as string | null,
    inflight: new Set<string>(),
    recentPages: [] as number[],
  });
  latest.current.results = results;
  latest.current.query = query;

  const start = useCallback(
    (text: string) => {
      const generation = ++latest.current.generation;
      latest.current.sent = text;
      setResults((state) => ({ ...state, running: true }));
      askForResults(client, text, generation, {
        isCurrent: () => generation === latest.current.generation,
        setResults,
        updateIfCurrent,
      });
    },
    [client, updateIfCurrent],
  );

  const timer = useRef<NodeJS.Timeout | null>(null);
  useEffect(() => {
    if (latest.current.sent === query) return;
    // The first query runs at once; later ones wait for a pause in typing.
    if (latest.current.generation < 0) {
      start(query);
      return;
    }
    timer.current = setTimeout(() => start(query), options.debounceMs);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [query, options.debounceMs, start]);

  useFacets(client, results, options.wantFacets, latest.current.inflight, updateIfCurrent);

  const loadRows = useCallback(
    (from: number, to: number) => {
      const { results: shown, generation } = latest.current;
      if (shown.query === null || shown.generation !== generation) return;
      const total = exactTotal(shown);
      latest.current.recentPages = [...latest.current.recentPages, Math.floor(from / PAGE_SIZE)].slice(-RECENT_ASKS);
      for (let page = Math.floor(from / PAGE_SIZE); page <= Math.floor((Math.max(from, to) - 1) / PAGE_SIZE); page++) {
        const key = `${shown.generation}:${page}`;
        if (shown.pages.has(page) || latest.current.inflight.has(key) || (total !== null && page * PAGE_SIZE >= total))
          continue;
        latest.current.inflight.add(key);
        void client.request(pageRequest(shown.query, page, total, shown.maxRowId), shown.generation).then((reply) => {
          latest.current.inflight.delete(key);
          if (!reply.ok) return;
          const rows = reply.value.rows;
          updateIfCurrent(shown.generation, (state) =>
            withPage(
              state,
              page,
              total !== null && isFromOldest(page, total) ? [...rows].reverse() : rows,
              latest.current.recentPages,
            ),
          );
        });
      }
    },
    [client, updateIfCurrent],
  );

  const runNow = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    start(latest.current.query);
  }, [start]);

  const refresh = useCallback(() => start(latest.current.query), [start]);

  const countAll = useCallback(() => {
    const { generation, query: shown } = latest.current.results;
    if (shown === null) return;
    void client
      .request({ kind: 'count', query: shown, cap: null, upToRowId: latest.current.results.maxRowId }, generation)
      .then((reply) => {
        if (reply.ok) updateIfCurrent(generation, (state) => ({ ...state, count: reply.value }));
      });
  }, [client, updateIfCurrent]);

  return { results, loadRows, runNow, refresh, countAll };
}

interface ResultsSink {
  readonly isCurrent: () => boolean;
  readonly setResults: (results: ResultsState | ((state: ResultsState) => ResultsState)) => void;
  readonly updateIfCurrent: (generation: number, update: (state: ResultsState) => ResultsState) => void;
}

/** Asks for a new query's first page, count and timeline; the page replaces the results when it comes. */
function askForResults(
  client: SearchClient,
  text: string,
  generation: number,
  { isCurrent, setResults, updateIfCurrent }: ResultsSink,
): void {
  // The count and timeline come from another thread and may arrive before the first page.
  const early: { -readonly [K in 'count' | 'timeline']: ResultsState[K] } = { count: null, timeline: null };
  void client.request({ kind: 'page', query: text, offset: 0, limit: PAGE_SIZE }, generation).then((reply) => {
    if (!isCurrent() || 'superseded' in reply) return;
    if (!reply.ok) {
      const problem = 'queryProblem' in reply ? reply.queryProblem : null;
      setResults((state) => ({
        ...state,
        running: false,
        problem,
        problemFor: problem ? text : null,
        failure: 'failure' in reply ? reply.failure : null,
      }));
      return;
    }
    const rows = reply.value.rows;
    setResults({
      ...EMPTY,
      ...early,
      generation,
      query: text,
      pages: new Map([[0, rows]]),
      endAt: rows.length < PAGE_SIZE ? rows.length : null,
      maxRowId: reply.value.maxRowId,
    });
  });
  void client.request({ kind: 'count', query: text, cap: COUNT_CAP }, generation).then((reply) => {
    if (!isCurrent() || !reply.ok) return;
    early.count = reply.value;
    updateIfCurrent(generation, (state) => ({ ...state, count: reply.value }));
  });
  void client.request({ kind: 'timeline', query: text }, generation).then((reply) => {
    if (!isCurrent() || !reply.ok) return;
    early.timeline = reply.value;
    updateIfCurrent(generation, (state) => ({ ...state, timeline: reply.value }));
  });
}

/** The facets of the shown results, asked for once per results while the facets pane is open. */
function useFacets(
  client: SearchClient,
  results: ResultsState,
  wantFacets: boolean,
  inflight: Set<string>,
  updateIfCurrent: ResultsSink['updateIfCurrent'],
): void {
  useEffect(() => {
    const { generation, query: shown, facets } = results;
    const key = `${generation}:facets`;
    if (!wantFacets || shown === null || facets !== null || inflight.has(key)) return;
    inflight.add(key);
    void client.request({ kind: 'facets', query: shown }, generation).then((reply) => {
      inflight.delete(key);
      if (reply.ok) updateIfCurrent(generation, (state) => ({ ...state, facets: reply.value }));
    });
  }, [client, wantFacets, results, updateIfCurrent, inflight]);
}

/**
 * A page of the results. Past the middle of a result set of known size, the page is read from the
 * oldest end (the same order reversed): OFFSET makes SQLite sort and skip every row before the
 * page, so the last page of 500k matches would cost as much as sorting them all.
 */
function pageRequest(
  query: string,
  page: number,
  total: number | null,
  maxRowId: number,
): SearchRequest & { kind: 'page' } {
  const start = page * PAGE_SIZE;
  if (total === null || !isFromOldest(page, total))
    return { kind: 'page', query, offset: start, limit: PAGE_SIZE, upToRowId: maxRowId };
  const end = Math.min(total, start + PAGE_SIZE);
  return { kind: 'page', query, offset: total - end, limit: end - start, sort: 'oldest', upToRowId: maxRowId };
}

function isFromOldest(page: number, total: number): boolean {
  return page * PAGE_SIZE >= total / 2;
}

/** The number of results when it is known exactly: a short page came back, or every match was counted. */
export function exactTotal(results: ResultsState): number | null {
  return results.endAt ?? (results.count && !results.count.capped ? results.count.count : null);
}

/**
 * The results with a page added. Pages far from it and from the last few places the screen asked
 * for are dropped: a page that arrives late, after End or a pivot moved on, must not evict the
 * rows they wait for or show, while the list's prefetch and End ask for different places in turn.
 */
function withPage(
  state: ResultsState,
  page: number,
  rows: readonly EventListRow[],
  recentPages: readonly number[],
): ResultsState {
  const kept = (index: number) =>
    index === 0 || [page, ...recentPages].some((near) => Math.abs(index - near) <= PAGES_KEPT);
  const pages = new Map([...state.pages].filter(([index]) => kept(index)));
  pages.set(page, rows);
  return { ...state, pages, endAt: endOf(state.endAt, page, rows.length) };
}

/**
 * Where the results end, from a page's length: a short page ends them; an empty page only says
 * they end at or before it (the page before may be short too), so it never raises a known end.
 */
function endOf(known: number | null, page: number, length: number): number | null {
  if (length === PAGE_SIZE) return known;
  if (length > 0 || page === 0) return page * PAGE_SIZE + length;
  return Math.min(known ?? Number.POSITIVE_INFINITY, page * PAGE_SIZE);
}

/** The row at `index`, if its page is loaded. */
export function rowAt(results: ResultsState, index: number): EventListRow | null {
  return results.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE] ?? null;
}

/**
 * The rows read around `index`, as one unbroken range of pages [from, to). The first page is always
 * kept, so Home never waits.
 */
export function loadedAround(results: ResultsState, index: number): { from: number; to: number } {
  const page = Math.floor(index / PAGE_SIZE);
  if (!results.pages.has(page)) return { from: index, to: index + 1 };
  let first = page;
  let last = page;
  while (results.pages.has(first - 1)) first--;
  while (results.pages.has(last + 1)) last++;
  return { from: first * PAGE_SIZE, to: last * PAGE_SIZE + results.pages.get(last)!.length };
}

/** How many rows are known to exist: the selection may move this far. */
export function knownRows(results: ResultsState): number {
  if (results.endAt !== null) return results.endAt;
  const loaded = Math.max(0, ...[...results.pages].map(([page, rows]) => page * PAGE_SIZE + rows.length));
  return Math.max(loaded, results.count?.count ?? 0);
}
