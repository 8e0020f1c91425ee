import type { EventListRow } from '../../search/engine.js';
import type { FacetItem } from './facet-items.js';
import { queryWithFacet } from './facet-items.js';
import type { Command, Pane } from './keymap.js';
import { visibleTop } from '../text/layout.js';
import { pivotQuery } from './pivots.js';
import type { ExportFormat } from '../../search-service/protocol.js';
import { deleteBack, deleteWordBack, insertText, lineAtEnd, moveCursor } from './query-text.js';
import type { QueryLine } from './query-text.js';
import type { StatusMessage } from '../components/StatusBar.js';

/** Everything the screen remembers between keys; results live in hooks/use-search.ts. */
export interface AppState {
  readonly line: QueryLine;
  readonly focus: Pane;
  readonly mode: 'normal' | 'help' | 'exportPrompt';
  readonly selected: number;
  readonly listTop: number;
  readonly detailScroll: number;
  readonly facetIndex: number;
  readonly showFacets: boolean;
  /** Places left by pivots and filters, newest last: Backspace returns to them. */
  readonly backStack: readonly Place[];
  /** Where the selection goes once the results of `landing.query` are read (use-landing.ts). */
  readonly landing: Landing | null;
  /** The event a pivot or filter came from, marked in its results. */
  readonly marked: MarkedEvent | null;
  /** Position in the history while browsing it with ↑↓, and the text typed before. */
  readonly historyAt: number | null;
  readonly draft: string;
  readonly helpScroll: number;
  readonly message: StatusMessage | null;
  /** New matching events are read as they arrive (F), as `less +F` follows a file. */
  readonly following: boolean;
  /** Grows when the query must run without waiting for the typing pause. */
  readonly runToken: number;
  /** End was pressed: go to the last match once the exact count is known and its rows are read. */
  readonly endPending: boolean;
  /** The results generation the selection belongs to (hooks/use-search.ts). */
  readonly resultsGeneration: number;
}

/** A query with the investigator's place in its results: what Back returns to. */
export interface Place {
  readonly query: string;
  /** The selected event, found again even if new events moved it down. */
  readonly rowId: number | null;
  readonly selected: number;
  readonly listTop: number;
  readonly marked: MarkedEvent | null;
}

/** A selection to restore once a query's results arrive: on event `rowId`, else on row `fallback`. */
export interface Landing {
  readonly query: string;
  /** The results generation shown when the landing was asked for: it applies to a later one. */
  readonly afterGeneration: number;
  readonly rowId: number | null;
  readonly fallback: number;
  /** Rows between the top of the list and the selection, kept so the screen does not jump. */
  readonly screenOffset: number;
  /** Whether to mark the event (a pivot's origin) or restore `marked` (Back). */
  readonly mark: 'origin' | MarkedEvent | null;
}

export interface MarkedEvent {
  readonly query: string;
  readonly rowId: number;
}

/** What the reducer needs to know about the screen and the results. */
export interface StateContext {
  readonly knownRows: number;
  /** The rows read around the selection, [from, to): the selection moves within them only. */
  readonly loadedRows: { readonly from: number; readonly to: number };
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
    line: lineAtEnd(query),
    focus: query.trim() === '' ? 'query' : 'results',
    mode: 'normal',
    selected: 0,
    listTop: 0,
    detailScroll: 0,
    facetIndex: 0,
    showFacets: false,
    backStack: [],
    landing: null,
    marked: null,
    following: false,
    historyAt: null,
    draft: '',
    helpScroll: 0,
    message: null,
    runToken: 0,
    endPending: false,
    resultsGeneration: -1,
  };
}

/** New results start at their newest event: the selection of older results does not carry over. */
export function forGeneration(state: AppState, generation: number): AppState {
  if (state.resultsGeneration === generation) return state;
  return {
    ...state,
    resultsGeneration: generation,
    selected: 0,
    listTop: 0,
    detailScroll: 0,
    facetIndex: 0,
    endPending: false,
  };
}

/** The state after a command, and the effects it asks for. Pure: the app runs the effects. */
export function reduce(
  previous: AppState,
  command: Command,
  context: StateContext,
): { state: AppState; effects: Effect[] } {
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
      if (state.mode === 'help' || state.focus !== 'results') return moveBy(state, Number.MAX_SAFE_INTEGER, context);
      // The selection moves once the last rows are read (components/App.tsx), so it never lands on a row still loading.
      if (!context.countCapped) return done({ endPending: true });
      const counting: StatusMessage = { text: 'counting every match…', tone: 'info' };
      return done({ endPending: true, message: counting }, { type: 'countAll' });
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
      return 'reason' in pivot
        ? done({ message: { text: pivot.reason, tone: 'error' } })
        : replaceQuery(state, pivot.query, context);
    }
    case 'back': {
      const place = state.backStack.at(-1);
      if (place === undefined) return done({ message: { text: 'no earlier query to go back to', tone: 'info' } });
      const landing: Landing = {
        query: place.query,
        afterGeneration: context.generation,
        rowId: place.rowId,
        fallback: place.selected,
        screenOffset: place.selected - place.listTop,
        mark: place.marked,
      };
      return done(
        {
          ...resetSelection(),
          line: lineAtEnd(place.query),
          backStack: state.backStack.slice(0, -1),
          landing,
          runToken: state.runToken + 1,
        },
        { type: 'remember', query: place.query },
      );
    }
    case 'toggleFacets':
      return done({
        showFacets: !state.showFacets,
        focus: state.showFacets ? (state.focus === 'facets' ? 'results' : state.focus) : 'facets',
        facetIndex: 0,
      });
    case 'export':
      return done({
        mode: 'exportPrompt',
        message: { text: 'export the results as: n NDJSON (original records), c CSV; Esc cancels', tone: 'info' },
      });
    case 'exportAs':
      return done(
        { mode: 'normal', message: { text: `exporting as ${command.format.toUpperCase()}…`, tone: 'info' } },
        { type: 'export', format: command.format },
      );
    case 'refresh':
      return done({ ...resetSelection(), landing: stayingPut(state, context) }, { type: 'refresh' });
    case 'toggleFollow':
      return done({
        following: !state.following,
        message: {
          text: state.following
            ? 'stopped following new events'
            : 'following: new matching events are read as they arrive (F stops)',
          tone: 'info',
        },
      });
    case 'edit':
      return done({ line: edit(state.line, command.edit), historyAt: null, landing: null });
    case 'insert':
      return done({ line: insertText(state.line, command.text), historyAt: null, landing: null });
    case 'history':
      return browseHistory(state, command.by, context.history);
    case 'showQuery':
      return replaceQuery(state, command.query, context);
  }
}

/**
 * Reading the results again keeps the selected event selected, at the same height; at the top
 * it stays at the top, where new events appear (as `less +F` shows the newest lines).
 */
export function stayingPut(state: AppState, context: StateContext): Landing | null {
  const rowId = context.selectedRow?.row_id ?? null;
  if (state.selected === 0 || rowId === null || context.shownQuery === null) return null;
  return {
    query: context.shownQuery,
    afterGeneration: context.generation,
    rowId,
    fallback: state.selected,
    screenOffset: state.selected - state.listTop,
    mark: state.marked,
  };
}

function resetSelection(): Partial<AppState> {
  return { selected: 0, listTop: 0, detailScroll: 0, endPending: false };
}

function moveBy(state: AppState, by: number, context: StateContext): { state: AppState; effects: Effect[] } {
  if (state.mode === 'help')
    return {
      state: { ...state, helpScroll: clamp(state.helpScroll + Math.sign(by), 0, context.helpScrollMax) },
      effects: [],
    };
  if (state.focus === 'detail') {
    const detailScroll = clamp(state.detailScroll + by, 0, Math.max(0, context.detailLines - context.sideRows));
    return { state: { ...state, detailScroll }, effects: [] };
  }
  if (state.focus === 'facets')
    return {
      state: { ...state, facetIndex: clamp(state.facetIndex + by, 0, context.facetItems.length - 1) },
      effects: [],
    };
  // Rows not read yet would show as placeholders: the selection waits at their edge for them.
  const { from, to } = context.loadedRows;
  const selected =
    by === -Number.MAX_SAFE_INTEGER ? 0 : clamp(state.selected + by, from, Math.min(to, context.knownRows) - 1);
  return {
    state: {
      ...state,
      selected,
      listTop: visibleTop(state.listTop, selected, context.listRows),
      detailScroll: selected === state.selected ? state.detailScroll : 0,
    },
    effects: [],
  };
}

function enter(state: AppState, context: StateContext): { state: AppState; effects: Effect[] } {
  if (state.focus === 'query') {
    return {
      state: { ...state, focus: 'results', historyAt: null, runToken: state.runToken + 1 },
      effects: [{ type: 'remember', query: state.line.text }],
    };
  }
  if (state.focus === 'results') return { state: { ...state, focus: 'detail', showFacets: false }, effects: [] };
  if (state.focus === 'facets') return applyFacet(state, context, false);
  return { state, effects: [] };
}

function applyFacet(state: AppState, context: StateContext, negate: boolean): { state: AppState; effects: Effect[] } {
  const item = context.facetItems[state.facetIndex];
  if (!item) return { state, effects: [] };
  const query = queryWithFacet(context.shownQuery ?? state.line.text, item, negate);
  if (query === null)
    return {
      state: { ...state, message: { text: 'an empty identity cannot be a filter', tone: 'error' } },
      effects: [],
    };
  return replaceQuery(state, query, context);
}

/**
 * A pivot or filter: the old query and the place in its results go on the back stack, the new one
 * runs at once and selects the event it came from, at the same height on screen.
 */
function replaceQuery(state: AppState, query: string, context: StateContext): { state: AppState; effects: Effect[] } {
  const rowId = context.selectedRow?.row_id ?? null;
  const place: Place = {
    query: state.line.text,
    rowId,
    selected: state.selected,
    listTop: state.listTop,
    marked: state.marked,
  };
  const backStack = state.line.text === query ? state.backStack : [...state.backStack, place];
  const landing: Landing = {
    query,
    afterGeneration: context.generation,
    rowId,
    fallback: 0,
    screenOffset: state.selected - state.listTop,
    mark: 'origin',
  };
  return {
    state: {
      ...state,
      ...resetSelection(),
      line: lineAtEnd(query),
      backStack,
      landing,
      runToken: state.runToken + 1,
      historyAt: null,
    },
    effects: [{ type: 'remember', query }],
  };
}

function browseHistory(
  state: AppState,
  by: -1 | 1,
  history: readonly string[],
): { state: AppState; effects: Effect[] } {
  if (history.length === 0) return { state, effects: [] };
  const from = state.historyAt ?? history.length;
  const at = Math.max(0, from + by);
  if (at >= history.length)
    return {
      state: { ...state, historyAt: null, line: lineAtEnd(state.historyAt === null ? state.line.text : state.draft) },
      effects: [],
    };
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
