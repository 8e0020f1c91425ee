import { useCallback, useEffect } from 'react';
import { forGeneration, stayingPut } from '../state/app-state.js';
import type { AppState, Landing, StateContext } from '../state/app-state.js';
import type { SearchClient } from '../../search-service/protocol.js';
import type { Freshness } from './use-freshness.js';
import { useLanding, useLastMatch } from './use-landing.js';
import type { Landed } from './use-landing.js';
import type { SearchControls } from './use-search.js';

/** Rows fetched beyond the screen either side, so moving rarely waits for a page. */
const PREFETCH_ROWS = 50;

export interface PlacementInputs {
  readonly client: SearchClient;
  readonly state: AppState;
  readonly following: boolean;
  readonly search: SearchControls;
  readonly freshness: Freshness;
  readonly top: number;
  readonly listRows: number;
  readonly context: { readonly current: StateContext };
  readonly apply: (update: (previous: AppState) => AppState) => void;
}

/**
 * Keeps the investigator's place as results change (issue 15): runs a pivot's query at once, reads
 * the rows around the screen, moves the selection to End's last match or a landing's event once
 * their rows are read, and, while following, reads new matches with the selected event staying put.
 */
export function usePlacement({
  client,
  state,
  following,
  search,
  freshness,
  top,
  listRows,
  context,
  apply,
}: PlacementInputs): void {
  const { results, runNow, loadRows } = search;
  // A pivot, a filter, Enter or Back runs its query at once instead of after the typing pause.
  useEffect(() => {
    if (state.runToken > 0) runNow();
  }, [state.runToken, runNow]);
  const reachEnd = useCallback(
    (end: { selected: number; listTop: number }) => {
      apply((previous) => ({
        ...forGeneration(previous, results.generation),
        endPending: false,
        message: null,
        ...end,
      }));
    },
    [apply, results.generation],
  );
  useLastMatch(state.endPending, results, listRows, loadRows, reachEnd);
  useEffect(
    () => loadRows(Math.max(0, top - PREFETCH_ROWS), top + listRows + PREFETCH_ROWS),
    [top, listRows, results, loadRows],
  );
  const land = useCallback(
    (landing: Landing, landed: Landed) => {
      apply((previous) =>
        previous.landing !== landing
          ? previous
          : {
              ...forGeneration(previous, results.generation),
              landing: null,
              selected: landed.selected,
              listTop: landed.listTop,
              detailScroll: 0,
              marked:
                landing.mark === 'origin'
                  ? landed.found && landing.rowId !== null
                    ? { query: landing.query, rowId: landing.rowId }
                    : null
                  : landing.mark,
            },
      );
    },
    [apply, results.generation],
  );
  useLanding(client, state.landing, results, listRows, loadRows, land);
  useEffect(() => {
    if (!following || !freshness.newMatches || freshness.newMatches.count === 0 || results.running) return;
    apply((previous) => ({ ...previous, landing: stayingPut(previous, context.current) }));
    search.refresh();
  }, [following, freshness.newMatches, results.running, apply, search, context]);
}
