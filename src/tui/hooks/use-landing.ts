import { useEffect, useRef, useState } from 'react';
import type { Landing } from '../state/app-state.js';
import type { SearchClient } from '../../search-service/protocol.js';
import { exactTotal, knownRows, rowAt } from './use-search.js';
import type { ResultsState } from './use-search.js';

/** Where a landing puts the selection, and whether its event was found in the results. */
export interface Landed {
  readonly selected: number;
  readonly listTop: number;
  readonly found: boolean;
}

/**
 * Puts the selection where a pivot, filter or Back wants it once the new results are read: the
 * event's position comes from the search thread (it may lie thousands of rows deep), then the rows
 * around it are read, and only then does the selection move, so it never lands on a row still loading.
 */
export function useLanding(
  client: SearchClient,
  landing: Landing | null,
  results: ResultsState,
  listRows: number,
  loadRows: (from: number, to: number) => void,
  onLanded: (landing: Landing, landed: Landed) => void,
): void {
  const [located, setLocated] = useState<{ landing: Landing; generation: number; index: number | null } | null>(null);
  const asked = useRef<{ landing: Landing; generation: number } | null>(null);
  useEffect(() => {
    if (!landing || results.generation <= landing.afterGeneration || results.query !== landing.query || results.running)
      return;
    const generation = results.generation;
    if (located?.landing === landing && located.generation === generation) {
      const index = located.index ?? landing.fallback;
      const selected = Math.max(0, located.index === null ? Math.min(index, knownRows(results) - 1) : index);
      const listTop = Math.max(0, selected - Math.max(0, Math.min(landing.screenOffset, listRows - 1)));
      if (knownRows(results) > 0 && (rowAt(results, listTop) === null || rowAt(results, selected) === null)) {
        loadRows(listTop, listTop + listRows);
        return;
      }
      onLanded(landing, { selected, listTop, found: located.index !== null });
      return;
    }
    if (asked.current?.landing === landing && asked.current.generation === generation) return;
    asked.current = { landing, generation };
    if (landing.rowId === null) {
      setLocated({ landing, generation, index: null });
      return;
    }
    void client
      .request(
        { kind: 'position', query: landing.query, rowId: landing.rowId, upToRowId: results.maxRowId },
        generation,
      )
      .then((reply) => {
        setLocated({ landing, generation, index: reply.ok ? reply.value : null });
      });
  }, [client, landing, located, results, listRows, loadRows, onLanded]);
}

/**
 * End: once the exact count is known, reads the last screenful of rows, then selects the last match
 * (the oldest), so the selection never lands on a row still loading.
 */
export function useLastMatch(
  pending: boolean,
  results: ResultsState,
  listRows: number,
  loadRows: (from: number, to: number) => void,
  onReached: (end: { selected: number; listTop: number }) => void,
): void {
  useEffect(() => {
    if (!pending) return;
    const total = exactTotal(results);
    if (total === null) return;
    const selected = Math.max(0, total - 1);
    const listTop = Math.max(0, total - listRows);
    if (total > 0 && (rowAt(results, listTop) === null || rowAt(results, selected) === null)) {
      loadRows(listTop, total);
      return;
    }
    onReached({ selected, listTop });
  }, [pending, results, listRows, loadRows, onReached]);
}
