import type { TraceEvent } from './lookup.js';

/** One link of a chain: the event that proves it and what it issued or started. */
export interface TraceHop {
  /**
   * How this event joins the chain: `target`, `assume-role`, `saml`, `web-identity`, `session-token`,
   * `federation-token`, `task`, `instance`, `function`.
   */
  readonly link: string;
  readonly event: TraceEvent;
  /** The session, task, instance or function this event created, and the access key it issued. */
  readonly issued: string | null;
  readonly issuedKey: string | null;
  /** Other logged copies of the same request (a cross-account call is logged in both accounts). */
  readonly copies: readonly TraceEvent[];
  readonly note: string | null;
}

/** Where a backward trace stops, and why; `fetch` says which logs would take it further. */
export interface ChainEnd {
  /**
   * `origin`: the first principal; `outside-index`: the next link is in logs not indexed; `ambiguous`: several could
   * be; `loop`.
   */
  readonly kind: 'origin' | 'outside-index' | 'ambiguous' | 'loop';
  readonly principal: string;
  readonly accessKeyId: string | null;
  readonly reason: string;
  readonly fetch: string | null;
}
