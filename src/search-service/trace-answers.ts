import type { SqliteDatabase } from '../store/db.js';
import { TraceLookup } from '../trace/lookup.js';
import { traceBack } from '../trace/backward.js';
import { traceForward } from '../trace/forward.js';
import { chainRows } from '../trace/rows.js';
import type { ChainRow } from '../trace/rows.js';

/** An event's origin chain as the UI shows it: one line per hop (the chain's start first), and how it ends. */
export interface TraceView {
  readonly rows: readonly ChainRow[];
  readonly end: string;
}

/** The blast radius of an identity, as a query the results list pages through. */
export interface RadiusView {
  readonly query: string;
  readonly sessions: number;
}

export function answerTrace(db: SqliteDatabase, eventId: string): TraceView {
  const chain = traceBack(new TraceLookup(db), eventId);
  return {
    rows: chainRows(chain),
    end: chain.end.fetch ? `${chain.end.reason}; fetch ${chain.end.fetch}` : chain.end.reason,
  };
}

export function answerRadius(db: SqliteDatabase, target: string): RadiusView {
  const radius = traceForward(new TraceLookup(db), target);
  return { query: radius.query, sessions: radius.nodes.length };
}
