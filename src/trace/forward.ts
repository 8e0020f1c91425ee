import { ExitCode, UserError } from '../errors.js';
import { compileQuery } from '../search/compile.js';
import type { TraceLinkKind } from '../normalize/trace-links.js';
import type { TraceEvent, TraceLookup } from './lookup.js';
import { identityQuery } from './lookup.js';

/** Per-session counts, as `summary` gives them per identity. */
export interface SessionCounts {
  readonly events: number;
  readonly actions: number;
  readonly errors: number;
  readonly accounts: number;
  readonly sourceIps: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
}

/** One node of a blast radius: the identity traced, a session opened from it, or a task, instance or function it started. */
export interface RadiusNode {
  readonly id: number;
  readonly parentId: number | null;
  readonly depth: number;
  readonly kind: 'identity' | 'session' | 'task' | 'instance' | 'function';
  readonly principal: string;
  readonly accessKeyId: string | null;
  /** The event that opened the session or started the task; null for the identity traced. */
  readonly openedBy: TraceEvent | null;
  readonly counts: SessionCounts;
  /** The search-language filter for this node's own events; null for tasks, which make no calls of their own. */
  readonly filter: string | null;
}

/** Everything opened from one identity, breadth first, with the query that finds all their events. */
export interface BlastRadius {
  readonly root: string;
  readonly nodes: readonly RadiusNode[];
  /** The search-language query for every event of the radius, for `search`, `timeline` or `export`. */
  readonly query: string;
  readonly truncated: boolean;
}

/** A radius wider than this is cut (and says so): a misread key should not walk a whole organisation. */
const MAX_NODES = 5_000;

const NO_EVENTS: SessionCounts = { events: 0, actions: 0, errors: 0, accounts: 0, sourceIps: 0, firstSeen: null, lastSeen: null };

type Identity = { key: string } | { arn: string };

interface Pending {
  readonly parentId: number | null;
  readonly kind: RadiusNode['kind'];
  readonly principal: string;
  readonly identity: Identity | null;
  readonly started: { readonly kind: TraceLinkKind; readonly value: string } | null;
  readonly openedBy: TraceEvent | null;
}

/** Walks forward from an access key id or ARN: every session opened from it, recursively, across accounts. */
export function traceForward(lookup: TraceLookup, target: string): BlastRadius {
  const identity = identityOf(target);
  const rootPrincipal = 'arn' in identity ? identity.arn : (lookup.newestEventOf(identity)?.identity.arn ?? identity.key);
  const nodes: RadiusNode[] = [];
  const seen = new Set<string>();
  const queue: Pending[] = [{ parentId: null, kind: 'identity', principal: rootPrincipal, identity, started: null, openedBy: null }];
  while (queue.length > 0 && nodes.length < MAX_NODES) {
    const next = queue.shift()!;
    const mark = next.identity ? identityQuery(next.identity) : `${next.started!.kind}:${next.started!.value}`;
    if (seen.has(mark)) continue;
    seen.add(mark);
    const parent = next.parentId === null ? null : nodes[next.parentId]!;
    const node: RadiusNode = {
      id: nodes.length, parentId: next.parentId, depth: parent ? parent.depth + 1 : 0, kind: next.kind, principal: next.principal,
      accessKeyId: next.identity && 'key' in next.identity ? next.identity.key : null, openedBy: next.openedBy,
      counts: next.identity ? countsOf(lookup, next.identity) : NO_EVENTS, filter: next.identity ? identityQuery(next.identity) : null,
    };
    nodes.push(node);
    queue.push(...(next.identity ? openedFrom(lookup, next.identity, node.id) : vendedFor(lookup, next.started!, node.id)));
  }
  const filters = nodes.flatMap((node) => (node.filter ? [node.filter] : []));
  return { root: target, nodes, query: filters.join(' OR '), truncated: queue.length > 0 };
}

function identityOf(target: string): Identity {
  if (/^A[SK]IA[A-Z0-9]{12,}$/.test(target)) return { key: target };
  if (target.startsWith('arn:')) return { arn: target };
  throw new UserError(`cannot trace ${target} forward`, 'expected an access key id (AKIA…, ASIA…) or an identity ARN', ExitCode.usage, 'trace an event id backwards (without --forward) to find the identity behind it');
}

/** The identity's own events, matched exactly: by key, or by the ARN column itself (user: also matches issuers). */
function identityWhere(identity: Identity): { sql: string; params: unknown[] } {
  const compiled = compileQuery(identityQuery(identity));
  if ('key' in identity) return { sql: compiled.where.sql, params: [...compiled.where.params] };
  return { sql: `(${compiled.where.sql}) AND e.user_identity_arn = ?`, params: [...compiled.where.params, identity.arn] };
}

function countsOf(lookup: TraceLookup, identity: Identity): SessionCounts {
  const where = identityWhere(identity);
  const row = lookup.db.prepare(
    `SELECT count(*) AS events, count(DISTINCT e.event_source || ':' || e.event_name) AS actions, count(e.error_code) AS errors,
       count(DISTINCT e.recipient_account_id) AS accounts, count(DISTINCT e.source_ip_address) AS sourceIps,
       min(e.event_time) AS firstSeen, max(e.event_time) AS lastSeen
     FROM events e WHERE ${where.sql}`,
  ).get(...where.params) as SessionCounts;
  return row;
}

/** Sessions issued to, and tasks, instances and functions started by, the identity's own calls. */
function openedFrom(lookup: TraceLookup, identity: Identity, parentId: number): Pending[] {
  const where = identityWhere(identity);
  const rows = lookup.db.prepare(`SELECT e.row_id FROM events e WHERE ${where.sql} AND e.row_id IN (SELECT row_id FROM trace_links)`).all(...where.params) as { row_id: number }[];
  return childrenOf(lookup, rows.map((row) => row.row_id), parentId);
}

function childrenOf(lookup: TraceLookup, rowIds: readonly number[], parentId: number): Pending[] {
  const links = lookup.linksOf(rowIds);
  const events = new Map(lookup.eventsByRowIds(rowIds).map((event) => [event.rowId, event]));
  const children: Pending[] = [];
  for (const event of events.values()) {
    const own = links.filter((link) => link.rowId === event.rowId);
    const key = own.find((link) => link.kind === 'key')?.value;
    const session = own.find((link) => link.kind === 'session')?.value;
    if (key || session) {
      children.push({ parentId, kind: 'session', principal: session ?? key!, identity: key ? { key } : { arn: session! }, started: null, openedBy: event });
    }
    for (const link of own.filter((l) => l.kind === 'task' || l.kind === 'instance' || l.kind === 'function')) {
      children.push({ parentId, kind: link.kind as RadiusNode['kind'], principal: startedName(event, link.kind, link.value), identity: null, started: link, openedBy: event });
    }
  }
  return children;
}

/** A task's, instance's or function's role sessions: the AssumeRole a service made in its name. */
function vendedFor(lookup: TraceLookup, started: { kind: TraceLinkKind; value: string }, parentId: number): Pending[] {
  const vends = lookup.eventsLinking('session-name', started.value);
  return childrenOf(lookup, vends.map((event) => event.rowId), parentId);
}

function startedName(event: TraceEvent, kind: TraceLinkKind, value: string): string {
  if (kind !== 'task') return `${kind} ${value}`;
  const tasks = Array.isArray(event.response?.['tasks']) ? (event.response['tasks'] as { taskArn?: unknown }[]) : [];
  return tasks.map((task) => task.taskArn).find((arn): arn is string => typeof arn === 'string' && arn.endsWith(`/${value}`)) ?? `task ${value}`;
}
