import { useCallback, useRef } from 'react';
import type { Key } from 'ink';
import type { EventListRow } from '../../search/engine.js';
import type { Command, Pane } from '../state/keymap.js';
import type { SearchClient } from '../../search-service/protocol.js';
import { traceKeyFor } from '../state/trace-keys.js';
import { hopQuery, radiusQuery, useTrace } from './use-trace.js';

interface TraceKeyContext {
  readonly selectedRow: EventListRow | null;
  readonly focus: Pane;
  /** Runs an app command: a pivot to a hop's event or to the blast radius is a `showQuery`. */
  readonly dispatch: (command: Command) => void;
}

/** The trace keys (trace-keys.ts) acted on: returns true when a key was the trace's, so the app's key map skips it. */
export function useTraceKeys(client: SearchClient, context: TraceKeyContext) {
  const { trace, open, close, move, fail } = useTrace(client);
  const latest = useRef({ trace, context });
  latest.current = { trace, context };
  const handle = useCallback(
    (input: string, key: Key): boolean => {
      const { trace: now, context: where } = latest.current;
      const action = traceKeyFor(input, key, { focus: where.focus, traceOpen: now.open });
      if (action === null) return now.open;
      const row = where.selectedRow;
      if (action === 'open') {
        if (row) open(row);
      } else if (action === 'radius') {
        if (row) {
          void radiusQuery(client, row).then((answer) => {
            if ('query' in answer) where.dispatch({ type: 'showQuery', query: answer.query });
            else fail(answer.reason);
          });
        }
      } else if (action === 'up' || action === 'down') {
        move(action === 'up' ? -1 : 1);
      } else if (action === 'pivot') {
        const hop = now.view?.rows[now.selected];
        const query = hop ? hopQuery(hop) : null;
        close();
        if (query) where.dispatch({ type: 'showQuery', query });
      } else {
        close();
      }
      return true;
    },
    [client, open, close, move, fail],
  );
  return { trace, handle };
}
