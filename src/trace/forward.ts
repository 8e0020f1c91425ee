import { ExitCode, UserError } from '../errors.js';
import { inColumns, patternExpression, valueTokenExpression } from '../search/fts.js';
import { allRows } from '../search/read-statement.js';
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

/**
 * One node of a blast radius: the identity traced, a session opened from it, or a task, instance or function it
 * started.
 */
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

const NO_EVENTS: SessionCounts = {
  events: 0,
  actions: 0,
  errors: 0,
  accounts: 0,
  sourceIps: 0,
  firstSeen: null,
  lastSeen: null,
};

type Identity = { key: string } | { arn: string };

interface Pending {
  readonly parentId: number | null;
  readonly kind: RadiusNode['kind'];
  readonly principal: string;
  readonly identity: Identity | null;
  readonly started: { readonly kind: TraceLinkKind; readonly value: string } | null;
  readonly openedBy: TraceEvent | null;
}

/**
 * Walks forward from an access key id or ARN: every session opened from it, recursively, across
 * accounts. Breadth first, one level at a time: each level's events are counted and searched for the
 * sessions they opened in a few statements, not two per session (a busy CI key opens hundreds).
 */
export function traceForward(lookup: TraceLookup, target: string): BlastRadius {
  const identity = identityOf(target);
  const rootPrincipal =
    'arn' in identity ? identity.arn : (lookup.newestEventOf(identity)?.identity.arn ?? identity.key);
  const nodes: RadiusNode[] = [];
  const seen = new Set<string>();
  let level: Pending[] = [
    { parentId: null, kind: 'identity', principal: rootPrincipal, identity, started: null, openedBy: null },
  ];
  while (level.length > 0 && nodes.length < MAX_NODES) {
    const fresh = level
      .filter((next) => {
        const mark = markOf(next);
        if (seen.has(mark)) return false;
        seen.add(mark);
        return true;
      })
      .slice(0, MAX_NODES - nodes.length);
    const counts = countsOf(
      lookup,
      fresh.flatMap((next) => (next.identity ? [next.identity] : [])),
    );
    const added = fresh.map((next) => addNode(nodes, next, counts));
    level = [
      ...openedFrom(lookup, added),
      ...added.flatMap((node, i) => (fresh[i]!.started ? vendedFor(lookup, fresh[i]!.started!, node.id) : [])),
    ];
  }
  const filters = nodes.flatMap((node) => (node.filter ? [node.filter] : []));
  return { root: target, nodes, query: filters.join(' OR '), truncated: level.length > 0 };
}

function markOf(next: Pending): string {
  return next.identity ? identityQuery(next.identity) : `${next.started!.kind}:${next.started!.value}`;
}

function addNode(nodes: RadiusNode[], next: Pending, counts: Map<string, SessionCounts>): RadiusNode {
  const parent = next.parentId === null ? null : nodes[next.parentId]!;
  const filter = next.identity ? identityQuery(next.identity) : null;
  const node: RadiusNode = {
    id: nodes.length,
    parentId: next.parentId,
    depth: parent ? parent.depth + 1 : 0,
    kind: next.kind,
    principal: next.principal,
    accessKeyId: next.identity && 'key' in next.identity ? next.identity.key : null,
    openedBy: next.openedBy,
    counts: (filter && counts.get(filter)) || NO_EVENTS,
    filter,
  };
  nodes.push(node);
  return node;
}

function identityOf(target: string): Identity {
  if (/^A[SK]IA[A-Z0-9]{12,}$/.test(target)) return { key: target };
  if (target.startsWith('arn:')) return { arn: target };
  throw new UserError({
    what: `cannot trace ${target} forward`,
    reason: 'expected an access key id (AKIA…, ASIA…) or an identity ARN',
    help: 'trace an event id backwards (without --forward) to find the identity behind it',
    exitCode: ExitCode.usage,
  });
}

/** Identities per statement: a query of hundreds of ORed terms is still planned and run in milliseconds. */
const PER_STATEMENT = 200;

/**
 * The events of these identities, matched exactly (by key, or by the ARN column itself): one
 * full-text lookup for the whole batch, then the exact check. The search language's `key:A OR key:B`
 * plans one subquery per term and scans the table (2 s for 200 keys on 100k events, against 8 ms).
 */
function identitiesWhere(identities: readonly Identity[]): { sql: string; params: unknown[] } {
  const keys = identities.flatMap((identity) => ('key' in identity ? [identity.key] : []));
  const arns = identities.flatMap((identity) => ('arn' in identity ? [identity.arn] : []));
  const terms = [...keys.flatMap((key) => patternExpression(key) ?? []), ...arns.map(valueTokenExpression)];
  return {
    sql:
      'e.row_id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?) AND ' +
      '(e.user_identity_access_key_id IN (SELECT value FROM json_each(?)) ' +
      'OR e.user_identity_arn IN (SELECT value FROM json_each(?)))',
    params: [inColumns(['identity'], terms.join(' OR ')), JSON.stringify(keys), JSON.stringify(arns)],
  };
}

/** Which identity of a batch an event belongs to: its key if the batch traces that key, else its ARN. */
function groupSql(): string {
  return (
    'CASE WHEN e.user_identity_access_key_id IN (SELECT value FROM json_each(?)) ' +
    "THEN 'key:\"' || e.user_identity_access_key_id || '\"' " +
    "ELSE 'user:\"' || e.user_identity_arn || '\"' END"
  );
}

function keysOf(identities: readonly Identity[]): string {
  return JSON.stringify(identities.flatMap((identity) => ('key' in identity ? [identity.key] : [])));
}

function chunks<T>(items: readonly T[]): T[][] {
  return Array.from({ length: Math.ceil(items.length / PER_STATEMENT) }, (_, i) =>
    items.slice(i * PER_STATEMENT, (i + 1) * PER_STATEMENT),
  );
}

/** Counts per identity, keyed by its filter (identityQuery). */
function countsOf(lookup: TraceLookup, identities: readonly Identity[]): Map<string, SessionCounts> {
  const counts = new Map<string, SessionCounts>();
  for (const batch of chunks(identities)) {
    const where = identitiesWhere(batch);
    const sql =
      `SELECT ${groupSql()} AS filter, count(*) AS events, ` +
      `count(DISTINCT e.event_source || ':' || e.event_name) AS actions, count(e.error_code) AS errors,
         count(DISTINCT e.recipient_account_id) AS accounts, count(DISTINCT e.source_ip_address) AS sourceIps,
         min(e.event_time) AS firstSeen, max(e.event_time) AS lastSeen
       FROM events e WHERE ${where.sql} GROUP BY 1`;
    const rows = allRows<SessionCounts & { filter: string }>(
      lookup.db,
      { sql, params: [keysOf(batch), ...where.params] },
      'cannot count what the sessions did',
    );
    for (const { filter, ...row } of rows) counts.set(filter, row);
  }
  return counts;
}

/** Sessions issued to, and tasks, instances and functions started by, the calls of a level's identities. */
function openedFrom(lookup: TraceLookup, nodes: readonly RadiusNode[]): Pending[] {
  const byFilter = new Map(nodes.flatMap((node) => (node.filter ? [[node.filter, node] as const] : [])));
  const identities = nodes.flatMap((node) => (node.filter ? [identityOfNode(node)] : []));
  const children: Pending[] = [];
  for (const batch of chunks(identities)) {
    const where = identitiesWhere(batch);
    const sql =
      `SELECT e.row_id AS rowId, ${groupSql()} AS filter FROM events e ` +
      `WHERE ${where.sql} AND e.row_id IN (SELECT row_id FROM trace_links)`;
    const rows = allRows<{ rowId: number; filter: string }>(
      lookup.db,
      { sql, params: [keysOf(batch), ...where.params] },
      'cannot follow the sessions forward',
    );
    const perNode = new Map<number, number[]>();
    for (const row of rows) {
      const node = byFilter.get(row.filter);
      if (!node) continue;
      const rowIds = perNode.get(node.id);
      if (rowIds) rowIds.push(row.rowId);
      else perNode.set(node.id, [row.rowId]);
    }
    for (const [nodeId, rowIds] of perNode) children.push(...childrenOf(lookup, rowIds, nodeId));
  }
  return children;
}

function identityOfNode(node: RadiusNode): Identity {
  return node.accessKeyId ? { key: node.accessKeyId } : { arn: node.principal };
}

function childrenOf(lookup: TraceLookup, rowIds: readonly number[], parentId: number): Pending[] {
  const linksByRow = new Map<number, { kind: TraceLinkKind; value: string; rowId: number }[]>();
  for (const link of lookup.linksOf(rowIds)) {
    const own = linksByRow.get(link.rowId);
    if (own) own.push(link);
    else linksByRow.set(link.rowId, [link]);
  }
  const children: Pending[] = [];
  for (const event of lookup.briefEventsByRowIds(rowIds)) {
    const own = linksByRow.get(event.rowId) ?? [];
    const key = own.find((link) => link.kind === 'key')?.value;
    const session = own.find((link) => link.kind === 'session')?.value;
    if (key || session) {
      children.push({
        parentId,
        kind: 'session',
        principal: session ?? key!,
        identity: key ? { key } : { arn: session! },
        started: null,
        openedBy: event,
      });
    }
    for (const link of own.filter((l) => l.kind === 'task' || l.kind === 'instance' || l.kind === 'function')) {
      children.push({
        parentId,
        kind: link.kind as RadiusNode['kind'],
        principal: startedName(event, link.kind, link.value),
        identity: null,
        started: link,
        openedBy: event,
      });
    }
  }
  return children;
}

/** A task's, instance's or function's role sessions: the AssumeRole a service made in its name. */
function vendedFor(lookup: TraceLookup, started: { kind: TraceLinkKind; value: string }, parentId: number): Pending[] {
  return childrenOf(lookup, lookup.rowIdsLinking('session-name', started.value), parentId);
}

/**
 * A task, instance or function by its id and where it ran: the opening call's record is not read (briefEventsByRowIds).
 */
function startedName(event: TraceEvent, kind: TraceLinkKind, value: string): string {
  const noun = { task: 'ECS task', instance: 'EC2 instance', function: 'Lambda function' }[
    kind as 'task' | 'instance' | 'function'
  ];
  return `${noun} ${value} (${event.accountId ?? '?'}, ${event.region ?? '?'})`;
}
