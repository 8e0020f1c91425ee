import { useCallback, useRef, useState } from 'react';
import type { EventListRow } from '../../search/engine.js';
import { isoSecondsOf } from '../../normalize/time.js';
import type { ChainRow } from '../../trace/rows.js';
import type { SearchClient } from '../../search-service/protocol.js';
import { fieldTerm } from '../state/query-text.js';
import type { TraceView } from '../../search-service/trace-answers.js';

/** The origin-chain panel: closed, loading, or showing a chain with one hop selected. */
export interface TraceState {
  readonly open: boolean;
  readonly view: TraceView | null;
  readonly failure: string | null;
  readonly selected: number;
}

const CLOSED: TraceState = { open: false, view: null, failure: null, selected: 0 };

/**
 * Asks the search thread for an event's chain (`o`) and for an identity's blast radius (`B`). A
 * chain asked for by an earlier key press is dropped when a newer one was asked for since.
 */
export function useTrace(client: SearchClient) {
  const [trace, setTrace] = useState<TraceState>(CLOSED);
  const asked = useRef(0);
  const open = useCallback(
    (row: EventListRow) => {
      const ticket = ++asked.current;
      if (!row.event_id) {
        setTrace({ ...CLOSED, open: true, failure: 'this event has no eventID to trace' });
        return;
      }
      setTrace({ ...CLOSED, open: true });
      void client.request({ kind: 'trace', eventId: row.event_id }).then((reply) => {
        if (ticket !== asked.current) return;
        setTrace((previous) => ({
          ...previous,
          view: reply.ok ? reply.value : null,
          failure: reply.ok ? null : 'failure' in reply ? reply.failure : 'trace failed',
          selected: reply.ok ? reply.value.rows.length - 1 : 0,
        }));
      });
    },
    [client],
  );
  const close = useCallback(() => {
    asked.current++;
    setTrace(CLOSED);
  }, []);
  const move = useCallback((by: number) => {
    setTrace((previous) => ({
      ...previous,
      selected: Math.max(0, Math.min(previous.selected + by, (previous.view?.rows.length ?? 1) - 1)),
    }));
  }, []);
  /** A blast radius that could not be asked for says why in the panel. */
  const fail = useCallback((reason: string) => {
    asked.current++;
    setTrace({ ...CLOSED, open: true, failure: reason });
  }, []);
  return { trace, open, close, move, fail };
}

/** Asks for the blast radius of the event's identity: its access key, else its ARN. */
export async function radiusQuery(
  client: SearchClient,
  row: EventListRow,
): Promise<{ query: string; sessions: number } | { reason: string }> {
  const target = row.user_identity_access_key_id ?? row.user_identity_arn;
  if (!target) return { reason: 'this event names no access key or ARN to trace forward' };
  const reply = await client.request({ kind: 'radius', target });
  if (reply.ok) return reply.value;
  return { reason: `blast radius failed: ${'failure' in reply ? reply.failure : 'cancelled'}` };
}

/**
 * The query that finds a hop's own event: its eventID, else its account and action in the second it
 * was logged.
 */
export function hopQuery(row: ChainRow): string | null {
  if (row.step === 0) return null;
  if (typeof row.event_id === 'string') return fieldTerm('id', row.event_id);
  if (typeof row.time !== 'string' || typeof row.action !== 'string') return null;
  const ms = Date.parse(row.time);
  const action = row.action.split(':').pop()!;
  const parts = [fieldTerm('action', action), `since:${isoSecondsOf(ms)}`, `until:${isoSecondsOf(ms + 1000)}`];
  if (typeof row.account === 'string') parts.unshift(fieldTerm('account', row.account));
  if (typeof row.caller_key === 'string') parts.unshift(fieldTerm('key', row.caller_key));
  return parts.join(' ');
}
