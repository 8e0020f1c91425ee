import { useEffect, useRef, useState } from 'react';
import { COUNT_CAP } from '../../search-service/protocol.js';
import type { SearchClient, StatusResult } from '../../search-service/protocol.js';
import type { ResultsState } from './use-search.js';

/** How far the index has moved on since the shown results were read. */
export interface Freshness {
  /** Events stored since, matching or not. */
  readonly newEvents: number;
  /** Of those, the ones matching the shown query; null until counted. */
  readonly newMatches: { readonly count: number; readonly capped: boolean } | null;
}

/**
 * Counts the events a writer added since the results were read, and those matching their query.
 * Each status poll asks only about the rows added since the previous one, so a long watch costs
 * a scan of each poll's new rows, never of everything since the search; counting stops at COUNT_CAP.
 */
export function useFreshness(client: SearchClient, status: StatusResult | null, results: ResultsState): Freshness {
  const [matched, setMatched] = useState<{ generation: number; upTo: number; count: number; capped: boolean } | null>(
    null,
  );
  const asking = useRef(false);
  const { generation, query, maxRowId } = results;
  const current = matched?.generation === generation ? matched : null;
  const newest = status?.maxRowId ?? 0;
  useEffect(() => {
    if (query === null || maxRowId === 0 || asking.current) return;
    const from = current ?? { generation, upTo: maxRowId, count: 0, capped: false };
    if (newest <= from.upTo || from.capped) {
      if (!current) setMatched(from);
      return;
    }
    asking.current = true;
    void client
      .request(
        { kind: 'added', query, afterRowId: from.upTo, upToRowId: newest, cap: COUNT_CAP - from.count },
        generation,
      )
      .then((reply) => {
        asking.current = false;
        if (!reply.ok) return;
        setMatched((previous) =>
          previous !== null && previous.generation === generation && previous.upTo !== from.upTo
            ? previous
            : { generation, upTo: newest, count: from.count + reply.value.count, capped: reply.value.capped },
        );
      });
  }, [client, query, generation, maxRowId, newest, current]);
  const newEvents = maxRowId > 0 ? Math.max(0, newest - maxRowId) : 0;
  const upToDate = current !== null && current.upTo >= newest;
  return {
    newEvents,
    newMatches: current && (upToDate || current.count > 0) ? { count: current.count, capped: current.capped } : null,
  };
}
