import type { TraceChain, TraceHop } from './backward.js';
import type { BlastRadius, RadiusNode } from './forward.js';

/**
 * Traces as rows for the shared writers (table, json, ndjson, csv). A backward chain is one row per
 * hop, oldest first, led by where the chain starts (or why it stops); a blast radius is one row per
 * session, in tree order.
 */

export const CHAIN_COLUMNS = [
  'step',
  'time',
  'account',
  'link',
  'action',
  'caller',
  'caller_key',
  'source_ip',
  'issued',
  'issued_key',
  'event_id',
  'note',
] as const;
export type ChainRow = Record<(typeof CHAIN_COLUMNS)[number], string | number | null>;

export function chainRows(chain: TraceChain): ChainRow[] {
  const end = chain.end;
  const start: ChainRow = {
    step: 0,
    time: null,
    account: null,
    link: end.kind,
    action: null,
    caller: end.principal,
    caller_key: end.accessKeyId,
    source_ip: null,
    issued: null,
    issued_key: null,
    event_id: null,
    note: end.fetch ? `${end.reason}; fetch: ${end.fetch}` : end.reason,
  };
  const candidates = chain.candidates.map((hop) => hopRow(hop, '?', 'candidate'));
  return [start, ...candidates, ...chain.hops.map((hop, i) => hopRow(hop, i + 1, hop.link))];
}

function hopRow(hop: TraceHop, step: number | string, link: string): ChainRow {
  const event = hop.event;
  const who = event.identity;
  const copies =
    hop.copies.length > 0
      ? `also logged in ${hop.copies.map((copy) => `${copy.accountId ?? '?'} (${copy.eventId ?? '?'})`).join(', ')}`
      : null;
  return {
    step,
    time: event.eventTime,
    account: event.accountId,
    link,
    action: actionOf(event.eventSource, event.eventName),
    caller: who.arn ?? who.invokedBy ?? (who.principalId ? `${who.type ?? ''} ${who.principalId}`.trim() : who.type),
    caller_key: who.accessKeyId,
    source_ip: event.sourceIp,
    issued: hop.issued,
    issued_key: hop.issuedKey,
    event_id: event.eventId,
    note: [hop.note, copies].filter(Boolean).join('; ') || null,
  };
}

function actionOf(source: string | null, name: string | null): string | null {
  if (name === null) return null;
  return source ? `${source.replace(/\.amazonaws\.com$/, '')}:${name}` : name;
}

export const RADIUS_COLUMNS = [
  'session',
  'kind',
  'access_key',
  'opened_at',
  'opened_by',
  'events',
  'actions',
  'errors',
  'accounts',
  'source_ips',
  'first_seen',
  'last_seen',
] as const;
export const RADIUS_DATA_COLUMNS = ['id', 'parent', 'depth', ...RADIUS_COLUMNS, 'opened_by_event_id'] as const;
export type RadiusRow = Record<(typeof RADIUS_DATA_COLUMNS)[number], string | number | null>;

/** Sessions in tree order (each under the one it was opened from); a table indents them by depth. */
export function radiusRows(radius: BlastRadius, options: { indent: boolean }): RadiusRow[] {
  const children = new Map<number | null, RadiusNode[]>();
  for (const node of radius.nodes) children.set(node.parentId, [...(children.get(node.parentId) ?? []), node]);
  const rows: RadiusRow[] = [];
  const visit = (node: RadiusNode) => {
    rows.push(radiusRow(node, options));
    for (const child of children.get(node.id) ?? []) visit(child);
  };
  for (const root of children.get(null) ?? []) visit(root);
  return rows;
}

function radiusRow(node: RadiusNode, options: { indent: boolean }): RadiusRow {
  const counts = node.counts;
  const opened = node.openedBy;
  return {
    id: node.id,
    parent: node.parentId,
    depth: node.depth,
    session: options.indent && node.depth > 0 ? `${'  '.repeat(node.depth - 1)}└ ${node.principal}` : node.principal,
    kind: node.kind,
    access_key: node.accessKeyId,
    opened_at: opened?.eventTime ?? null,
    opened_by: opened ? actionOf(opened.eventSource, opened.eventName) : null,
    events: counts.events,
    actions: counts.actions,
    errors: counts.errors,
    accounts: counts.accounts,
    source_ips: counts.sourceIps,
    first_seen: counts.firstSeen,
    last_seen: counts.lastSeen,
    opened_by_event_id: opened?.eventId ?? null,
  };
}
