import type { FacetCounts, EventListRow, SortOrder } from '../search/engine.js';
import type { EventSource, HourlyCounts, IndexStatus } from '../search/browse.js';
import type { DetectionsView, RuleLabel } from './detection-answers.js';
import type { RadiusView, TraceView } from './trace-answers.js';

/**
 * What the terminal UI asks of its search thread, and the answers. Components see only this
 * interface, never a database handle (STYLE.md): the worker (threads.ts) or, under vitest,
 * an in-process stand-in answers it.
 */

/** Rows per page fetched as the cursor moves: a screenful several times over, cheap to read. */
export const PAGE_SIZE = 100;

/** Counting stops here on every keystroke; End asks for the exact number. */
export const COUNT_CAP = 1_000;

export type ExportFormat = 'ndjson' | 'csv';

/**
 * `upToRowId` keeps a request to the events stored when the results' first page was read (a
 * snapshot: see search/snapshot.ts), so pages and counts agree while a writer adds events.
 */
export type SearchRequest =
  | {
      readonly kind: 'page';
      readonly query: string;
      readonly offset: number;
      readonly limit: number;
      readonly sort?: SortOrder;
      readonly upToRowId?: number;
    }
  | { readonly kind: 'count'; readonly query: string; readonly cap: number | null; readonly upToRowId?: number }
  | { readonly kind: 'position'; readonly query: string; readonly rowId: number; readonly upToRowId: number }
  | {
      readonly kind: 'added';
      readonly query: string;
      readonly afterRowId: number;
      readonly upToRowId: number;
      readonly cap: number;
    }
  | { readonly kind: 'facets'; readonly query: string }
  | { readonly kind: 'timeline'; readonly query: string }
  | { readonly kind: 'source'; readonly rowId: number }
  | { readonly kind: 'status' }
  | { readonly kind: 'export'; readonly query: string; readonly format: ExportFormat; readonly dir: string }
  | { readonly kind: 'trace'; readonly eventId: string }
  | { readonly kind: 'radius'; readonly target: string }
  | { readonly kind: 'detections'; readonly query: string; readonly upToRowId?: number }
  | { readonly kind: 'eventRules'; readonly rowId: number };

/** A query the user must fix: the reason, and the offending token's position in the query. */
export interface QueryProblem {
  readonly detail: string;
  readonly at: number;
  readonly length: number;
}

export interface PageResult {
  readonly rows: readonly EventListRow[];
  /** The newest row id when page 0 was read: later rows are "new" since this search. */
  readonly maxRowId: number;
}

export interface StatusResult extends IndexStatus {
  /** A writer (index or watch) holds the database's lock and its process is alive. */
  readonly watching: boolean;
}

export interface ExportResult {
  readonly path: string;
  readonly events: number;
}

/** The answer's type for each request kind. */
export interface ResultOf {
  readonly page: PageResult;
  readonly count: { readonly count: number; readonly capped: boolean };
  /** The event's index in the results, newest first; null when it does not match. */
  readonly position: number | null;
  readonly added: { readonly count: number; readonly capped: boolean };
  readonly facets: FacetCounts;
  readonly timeline: HourlyCounts;
  readonly source: EventSource | null;
  readonly status: StatusResult;
  readonly export: ExportResult;
  readonly trace: TraceView;
  readonly radius: RadiusView;
  readonly detections: DetectionsView;
  readonly eventRules: readonly RuleLabel[];
}

export type SearchReply<K extends SearchRequest['kind'] = SearchRequest['kind']> =
  | { readonly ok: true; readonly value: ResultOf[K] }
  | { readonly ok: false; readonly queryProblem: QueryProblem }
  | { readonly ok: false; readonly failure: string }
  /** A newer query arrived before this request was started, so it was skipped. */
  | { readonly ok: false; readonly superseded: true };

/** The UI's one dependency for data. `generation` ties query-scoped requests to one typed query. */
export interface SearchClient {
  request<R extends SearchRequest>(request: R, generation?: number): Promise<SearchReply<R['kind']>>;
  close(): Promise<void>;
}
