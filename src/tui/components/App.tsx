import { useMemo, useRef } from 'react';
import { Box, useInput } from 'ink';
import type { EventListRow } from '../../search/engine.js';
import { forGeneration } from '../state/app-state.js';
import type { AppState, StateContext } from '../state/app-state.js';
import { detailLines } from '../text/detail-lines.js';
import { facetItems } from '../state/facet-items.js';
import type { FacetItem } from '../state/facet-items.js';
import { SidePane } from './SidePane.js';
import { formatMatches } from '../text/format.js';
import { HelpOverlay, HELP_LINES } from './HelpOverlay.js';
import type { QueryHistory } from '../state/history.js';
import { wrapStyledLines } from '../text/json-lines.js';
import type { StyledLine } from '../text/json-lines.js';
import { commandFor, hintsFor } from '../state/keymap.js';
import { computeLayout, visibleTop } from '../text/layout.js';
import type { Layout } from '../text/layout.js';
import { fitColumns } from '../text/list-columns.js';
import type { QueryProblem, SearchClient, StatusResult } from '../../search-service/protocol.js';
import { QueryBox } from './QueryBox.js';
import { ResultsList } from './ResultsList.js';
import { StatusBar } from './StatusBar.js';
import type { Theme } from '../text/theme.js';
import { TimelineStrip } from './TimelineStrip.js';
import { useEventSource } from '../hooks/use-event-source.js';
import { useFreshness } from '../hooks/use-freshness.js';
import type { Freshness } from '../hooks/use-freshness.js';
import { useAppStore } from '../hooks/use-app-store.js';
import { useDispatch } from '../hooks/use-dispatch.js';
import { usePlacement } from '../hooks/use-placement.js';
import { useIndexStatus } from '../hooks/use-index-status.js';
import { knownRows, loadedAround, rowAt, useSearch } from '../hooks/use-search.js';
import type { ResultsState } from '../hooks/use-search.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { splitRuleScope } from '../../search-service/rule-scope.js';
import { escapeForTerminal } from '../../present/safe-text.js';
import { useDetections } from '../hooks/use-detections.js';
import type { DetectionsState } from '../hooks/use-detections.js';
import { useEventRules } from '../hooks/use-event-rules.js';
import { useTraceKeys } from '../hooks/use-trace-keys.js';
import type { TraceState } from '../hooks/use-trace.js';
import { showsYear } from '../state/year-shown.js';
import type { TerminalSize } from '../hooks/use-terminal-size.js';
import { lowerCaseOperatorHints } from '../../search/parse.js';

export interface AppProps {
  readonly client: SearchClient;
  readonly dbPath: string;
  readonly initialQuery: string;
  readonly history: QueryHistory;
  readonly theme: Theme;
  /** Where exports are written: the current directory. */
  readonly exportDir: string;
  /** A fixed size (tests); otherwise the terminal's, following resizes. */
  readonly size?: TerminalSize;
  readonly debounceMs?: number;
  readonly statusPollMs?: number;
}

/** The terminal UI: holds the screen's state; the panes are presentational. */
export function App(props: AppProps) {
  const { client, theme } = props;
  const size = useTerminalSize(props.size);
  const { stored, stateRef, apply } = useAppStore(props.initialQuery);

  const search = useSearch(client, stored.line.text, {
    debounceMs: props.debounceMs ?? 120,
    wantFacets: stored.showFacets,
  });
  const { results } = search;
  const state = forGeneration(stored, results.generation);
  const status = useIndexStatus(client, props.statusPollMs ?? 2_000);
  const freshness = useFreshness(client, status, results);
  const problem = results.problem && results.problemFor === state.line.text ? results.problem : null;
  const layout = computeLayout(size, { problemLines: problem ? 2 : 0 });
  const known = knownRows(results);
  const selected = Math.max(0, Math.min(state.selected, known - 1));
  const top = visibleTop(state.listTop, selected, layout.listRows);
  const selectedRow = rowAt(results, selected);
  const source = useEventSource(client, selectedRow?.row_id ?? null);
  const eventRules = useEventRules(client, selectedRow?.row_id ?? null);
  const detail = useMemo(
    () => (selectedRow ? wrapStyledLines(detailLines(selectedRow, source, eventRules), layout.sideWidth - 1) : []),
    [selectedRow, source, eventRules, layout.sideWidth],
  );
  const items = useMemo(() => (results.facets ? facetItems(results.facets) : []), [results.facets]);

  const helpRows = layout.wide ? layout.listRows : layout.listRows + layout.sideRows + 1;
  const context: StateContext = {
    knownRows: known,
    loadedRows: loadedAround(results, selected),
    countCapped: results.count?.capped ?? false,
    listRows: layout.listRows,
    sideRows: layout.sideRows,
    detailLines: detail.length,
    helpScrollMax: Math.max(0, HELP_LINES - helpRows),
    facetItems: items,
    history: props.history.entries(),
    selectedRow,
    shownQuery: results.query,
    generation: results.generation,
  };
  const contextRef = useRef(context);
  contextRef.current = context;

  const dispatch = useDispatch({
    client,
    search,
    history: props.history,
    exportDir: props.exportDir,
    stateRef,
    context: contextRef,
    apply,
  });
  const tracing = useTraceKeys(client, { selectedRow, focus: stored.focus, dispatch });
  const hunting = useDetections(client, {
    shownQuery: results.query,
    upToRowId: results.query === null ? undefined : results.maxRowId,
    focus: stored.focus,
    dispatch,
  });

  useInput((input, key) => {
    if (!hunting.detections.open && tracing.handle(input, key)) return;
    if (!tracing.trace.open && hunting.handle(input, key)) return;
    // Keys typed faster than they are read arrive as one string: unless typed into the query, each is a command.
    const typing = stateRef.current.focus === 'query' && stateRef.current.mode === 'normal';
    const keys = !typing && input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
    for (const one of keys) {
      const command = commandFor(one, key, { focus: stateRef.current.focus, mode: stateRef.current.mode });
      if (command !== null) dispatch(command);
    }
  });
  usePlacement({
    client,
    state,
    following: stored.following,
    search,
    freshness,
    top,
    listRows: layout.listRows,
    context: contextRef,
    apply,
  });

  return (
    <Screen
      {...{
        size,
        layout,
        state,
        results,
        problem,
        selected,
        top,
        known,
        selectedRow,
        detail,
        items,
        helpRows,
        status,
        freshness,
        theme,
      }}
      dbPath={props.dbPath}
      trace={tracing.trace}
      detections={hunting.detections}
      ruleTitles={hunting.titles}
    />
  );
}

interface ScreenProps {
  readonly size: TerminalSize;
  readonly layout: Layout;
  readonly state: AppState;
  readonly results: ResultsState;
  readonly problem: QueryProblem | null;
  readonly selected: number;
  readonly top: number;
  readonly known: number;
  readonly selectedRow: EventListRow | null;
  readonly detail: readonly StyledLine[];
  readonly items: readonly FacetItem[];
  readonly helpRows: number;
  readonly status: StatusResult | null;
  readonly freshness: Freshness;
  readonly dbPath: string;
  readonly theme: Theme;
  readonly trace: TraceState;
  readonly detections: DetectionsState;
  /** Titles of rules seen in the detections view, to name the rule a query is narrowed to. */
  readonly ruleTitles: ReadonlyMap<string, string>;
}

/**
 * The panes laid out for the terminal's size: the query line, the count and timeline, list and detail (or facets, or
 * help), status.
 */
function Screen({
  size,
  layout,
  state,
  results,
  problem,
  selected,
  top,
  known,
  selectedRow,
  detail,
  items,
  helpRows,
  status,
  freshness,
  dbPath,
  theme,
  trace,
  detections,
  ruleTitles,
}: ScreenProps) {
  const withYear = showsYear(results, new Date());
  const visibleRows = Array.from({ length: Math.max(0, Math.min(layout.listRows, known - top)) }, (_, i) =>
    rowAt(results, top + i),
  );
  const list = (
    <ResultsList
      rows={visibleRows}
      top={top}
      selected={selected}
      markedRowId={state.marked?.query === results.query ? state.marked.rowId : null}
      columns={fitColumns(layout.listWidth, { withYear })}
      height={layout.listRows}
      focused={state.focus === 'results' || state.focus === 'query'}
      empty={emptyText(results)}
      theme={theme}
    />
  );
  const side = (
    <SidePane {...{ layout, state, results, items, detail, selected, selectedRow, trace, detections, theme }} />
  );
  return (
    <Box flexDirection="column" width={size.columns} height={layout.height}>
      <QueryBox
        text={state.line.text}
        cursor={state.line.cursor}
        focused={state.focus === 'query'}
        problem={problem}
        width={size.columns}
        theme={theme}
      />
      <TimelineStrip
        summary={summaryText(results, state.line.text, ruleTitles)}
        timeline={results.timeline}
        selectedTime={selectedRow?.event_time ?? null}
        width={size.columns}
        withYear={withYear}
        theme={theme}
      />
      {state.mode === 'help' ? (
        <HelpOverlay height={helpRows} scroll={state.helpScroll} theme={theme} />
      ) : layout.wide ? (
        <Box flexDirection="row">
          <Box width={layout.listWidth}>{list}</Box>
          <Box width={1} />
          <Box width={layout.sideWidth}>{side}</Box>
        </Box>
      ) : (
        <>
          {list}
          {side}
        </>
      )}
      <Box flexGrow={1} />
      <StatusBar
        dbPath={dbPath}
        status={status}
        freshness={freshness}
        following={state.following}
        message={state.message ?? operatorHint(state.line.text)}
        hints={hintsFor(state.focus)}
        now={new Date()}
        width={size.columns}
        theme={theme}
      />
    </Box>
  );
}

function summaryText(results: ResultsState, typed: string, ruleTitles: ReadonlyMap<string, string>): string {
  if (results.failure) return `search failed: ${results.failure}`;
  if (results.query === null) return 'searching…';
  const scope = splitRuleScope(results.query);
  const counted =
    results.endAt !== null
      ? formatMatches(results.endAt, false)
      : results.count
        ? formatMatches(results.count.count, results.count.capped)
        : 'counting…';
  // The rule's title is its author's text: escaped like every other text from outside.
  const count = scope
    ? `${counted} · rule: ${escapeForTerminal(ruleTitles.get(scope.ruleId) ?? scope.ruleId)}`
    : counted;
  if (results.problemFor === typed) return `${count} for the previous query`;
  return results.running || results.query !== typed ? `${count} (searching…)` : count;
}

function emptyText(results: ResultsState): string | null {
  if (results.query === null) return results.failure ?? 'searching…';
  return 'no events match';
}

/** A lower-case and/or/not searched as a word (issue 14): said on the status line, as the CLI says it on stderr. */
function operatorHint(query: string): { text: string; tone: 'info' } | null {
  const hint = lowerCaseOperatorHints(query)[0];
  return hint ? { text: `${hint.message}`, tone: 'info' } : null;
}
