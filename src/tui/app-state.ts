import type { EventListRow } from '../search/engine.js';
import type { FacetItem } from './facet-items.js';
import { queryWithFacet } from './facet-items.js';
import type { Command, Pane } from './keymap.js';
import { visibleTop } from './layout.js';
import { pivotQuery } from './pivots.js';
import type { ExportFormat } from './protocol.js';
import { deleteBack, deleteWordBack, insertText, lineAtEnd, moveCursor } from './query-text.js';
import type { QueryLine } from './query-text.js';
import type { StatusMessage } from './status-bar.js';

/** Everything the screen remembers between keys; results live in use-search.ts. */
export interface AppState {
  readonly line: QueryLine;
  readonly focus: Pane;
  readonly mode: 'normal' | 'help' | 'exportPrompt';
  readonly selected: number;
  readonly listTop: number;
  readonly detailScroll: number;
  readonly facetIndex: number;
  readonly showFacets: boolean;
  /** Queries replaced by pivots and filters, newest last: Backspace returns to them. */
  readonly backStack: readonly string[];
  /** Position in the history while browsing it with ↑↓, and the text typed before. */
  readonly historyAt: number | null;
  readonly draft: string;
  readonly helpScroll: number;
  readonly message: StatusMessage | null;
  /** Grows when the query must run without waiting for the typing pause. */
  readonly runToken: number;
  /** End was pressed while the count was capped: go to the end once the exact count is known. */
  readonly endPending: boolean;
  /** The results generation the selection belongs to (use-search.ts). */
  readonly resultsGeneration: number;
}

/** What the reducer needs to know about the screen and the results. */
export interface StateContext {
  readonly knownRows: number;
  readonly countCapped: boolean;
  readonly listRows: number;
  readonly sideRows: number;
  readonly detailLines: number;
  /** How far the help overlay scrolls. */
  readonly helpScrollMax: number;
  readonly facetItems: readonly FacetItem[];
  readonly history: readonly string[];
  readonly selectedRow: EventListRow | null;
  /** The query the shown results answer, and their generation. */
  readonly shownQuery: string | null;
  readonly generation: number;
}

/** Work the app does after a key: things outside the screen's state. */
export type Effect =
  | { readonly type: 'quit' }
  | { readonly type: 'export'; readonly format: ExportFormat }
  | { readonly type: 'refresh' }
  | { readonly type: 'countAll' }
  | { readonly type: 'remember'; readonly query: string };

/** Started with a query, the results have the keys (q quits); started without, the query box has them. */
export function initialState(query: string): AppState {
  return {
    line: lineAtEnd(query), focus: query.trim() === '' ? 'query' : 'results', mode: 'normal', selected: 0, listTop: 0, detailScroll: 0, facetIndex: 0,
    showFacets: false, backStack: [], historyAt: null, draft: '', helpScroll: 0, message: null, runToken: 0, endPending: false, resultsGeneration: -1,
  };
}

/** New results start at their newest event: the selection of older results does not carry over. */
export function forGeneration(state: AppState, generation: number): AppState {
  if (state.resultsGeneration === generation) return state;
  return { ...state, resultsGeneration: generation, selected: 0, listTop: 0, detailScroll: 0, facetIndex: 0 };
}

/** The state after a command, and the effects it asks for. Pure: the app runs the effects. */
export function reduce(previous: AppState, command: Command, context: StateContext): { state: AppState; effects: Effect[] } {
  const state: AppState = { ...previous, message: previous.mode === 'normal' ? null : previous.message };
  const done = (next: Partial<AppState>, ...effects: Effect[]) => ({ state: { ...state, ...next }, effects });
  switch (command.type) {
    case 'quit':
      return done({}, { type: 'quit' });
    case 'toggleHelp':
      return done({ mode: state.mode === 'help' ? 'normal' : 'help', helpScroll: 0, message: null });
    case 'focusQuery':
      return done({ focus: 'query', line: moveCursor(state.line, 'end') });
    case 'nextPane': {
      const panes: Pane[] = ['query', 'results', state.showFacets ? 'facets' : 'detail'];
      const at = Math.max(0, panes.indexOf(state.focus));
      return done({ focus: panes[(at + command.delta + panes.length) % panes.length]! });
    }
    case 'move':
      return moveBy(state, command.by, context);
    case 'page': {
      const rows = state.focus === 'detail' || state.focus === 'facets' ? context.sideRows : context.listRows;
      return moveBy(state, command.by * Math.max(1, rows - 1), context);
    }
    case 'home':
      return moveBy(state, -Number.MAX_SAFE_INTEGER, context);
    case 'end': {
      const moved = moveBy(state, Number.MAX_SAFE_INTEGER, context).state;
      if (state.focus !== 'results' || !context.countCapped) return { state: { ...moved, endPending: false }, effects: [] };
      return { state: { ...moved, endPending: true, message: { text: 'counting every match…', tone: 'info' } }, effects: [{ type: 'countAll' }] };
    }
    case 'enter':
      return enter(state, context);
    case 'negate':
      return state.focus === 'facets' ? applyFacet(state, context, true) : done({});
    case 'escape':
      if (state.mode !== 'normal') return done({ mode: 'normal', message: null });
      return done({ focus: 'results' });
    case 'pivot': {
      if (!context.selectedRow) return done({ message: { text: 'no event selected', tone: 'error' } });
      const pivot = pivotQuery(command.kind, context.selectedRow);
      return 'reason' in pivot ? done({ message: { text: pivot.reason, tone: 'error' } }) : replaceQuery(state, pivot.query);
    }
    case 'back': {
      const previousQuery = state.backStack.at(-1);
      if (previousQuery === undefined) return done({ message: { text: 'no earlier query to go back to', tone: 'info' } });
      return done({ ...resetSelection(), line: lineAtEnd(previousQuery), backStack: state.backStack.slice(0, -1), runToken: state.runToken + 1 }, { type: 'remember', query: previousQuery });
    }
    case 'toggleFacets':
      return done({ showFacets: !state.showFacets, focus: state.showFacets ? (state.focus === 'facets' ? 'results' : state.focus) : 'facets', facetIndex: 0 });
    case 'export':
      return done({ mode: 'exportPrompt', message: { text: 'export the results as: n NDJSON (original records), c CSV; Esc cancels', tone: 'info' } });
    case 'exportAs':
      return done({ mode: 'normal', message: { text: `exporting as ${command.format.toUpperCase()}…`, tone: 'info' } }, { type: 'export', format: command.format });
    case 'refresh':
      return done({ ...resetSelection() }, { type: 'refresh' });
    case 'edit':
      return done({ line: edit(state.line, command.edit), historyAt: null });
    case 'insert':
      return done({ line: insertText(state.line, command.text), historyAt: null });
    case 'history':
      return browseHistory(state, command.by, context.history);
    case 'showQuery':
      return replaceQuery(state, command.query);
  }
}

function resetSelection(): Partial<AppState> {
  return { selected: 0, listTop: 0, detailScroll: 0, endPending: false };
}

function moveBy(state: AppState, by: number, context: StateContext): { state: AppState; effects: Effect[] } {
  if (state.mode === 'help') return { state: { ...state, helpScroll: clamp(state.helpScroll + Math.sign(by), 0, context.helpScrollMax) }, effects: [] };
  if (state.focus === 'detail') {
    const detailScroll = clamp(state.detailScroll + by, 0, Math.max(0, context.detailLines - context.sideRows));
    return { state: { ...state, detailScroll }, effects: [] };
  }
  if (state.focus === 'facets') return { state: { ...state, facetIndex: clamp(state.facetIndex + by, 0, context.facetItems.length - 1) }, effects: [] };
  const selected = clamp(state.selected + by, 0, context.knownRows - 1);
  return { state: { ...state, selected, listTop: visibleTop(state.listTop, selected, context.listRows), detailScroll: selected === state.selected ? state.detailScroll : 0 }, effects: [] };
}

function enter(state: AppState, context: StateContext): { state: AppState; effects: Effect[] } {
  if (state.focus === 'query') {
    return { state: { ...state, focus: 'results', historyAt: null, runToken: state.runToken + 1 }, effects: [{ type: 'remember', query: state.line.text }] };
  }
  if (state.focus === 'results') return { state: { ...state, focus: 'detail', showFacets: false }, effects: [] };
  if (state.focus === 'facets') return applyFacet(state, context, false);
  return { state, effects: [] };
}

function applyFacet(state: AppState, context: StateContext, negate: boolean): { state: AppState; effects: Effect[] } {
  const item = context.facetItems[state.facetIndex];
  if (!item) return { state, effects: [] };
  const query = queryWithFacet(context.shownQuery ?? state.line.text, item, negate);
  if (query === null) return { state: { ...state, message: { text: 'an empty identity cannot be a filter', tone: 'error' } }, effects: [] };
  return replaceQuery(state, query);
}

/** A pivot or filter: the old query goes on the back stack, the new one runs at once. */
function replaceQuery(state: AppState, query: string): { state: AppState; effects: Effect[] } {
  const backStack = state.line.text === query ? state.backStack : [...state.backStack, state.line.text];
  return { state: { ...state, ...resetSelection(), line: lineAtEnd(query), backStack, runToken: state.runToken + 1, historyAt: null }, effects: [{ type: 'remember', query }] };
}

function browseHistory(state: AppState, by: -1 | 1, history: readonly string[]): { state: AppState; effects: Effect[] } {
  if (history.length === 0) return { state, effects: [] };
  const from = state.historyAt ?? history.length;
  const at = Math.max(0, from + by);
  if (at >= history.length) return { state: { ...state, historyAt: null, line: lineAtEnd(state.historyAt === null ? state.line.text : state.draft) }, effects: [] };
  const draft = state.historyAt === null ? state.line.text : state.draft;
  return { state: { ...state, historyAt: at, draft, line: lineAtEnd(history[at]!) }, effects: [] };
}

function edit(line: QueryLine, what: Extract<Command, { type: 'edit' }>['edit']): QueryLine {
  switch (what) {
    case 'deleteBack':
      return deleteBack(line);
    case 'deleteWord':
      return deleteWordBack(line);
    case 'clear':
      return lineAtEnd('');
    default:
      return moveCursor(line, what);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
