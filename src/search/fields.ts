import { ipv4ToInt } from '../normalize/event.js';
import { baseEventName } from '../normalize/event-name.js';
import { freeTextExpression, inColumns, patternExpression, valueTokenExpression } from './fts.js';
import { compileUser, compileUserSet } from './identity-filter.js';
import {
  BadValueError,
  hasWildcard,
  literalPrefix,
  parseBoolean,
  parseIpv4Cidr,
  parseSpanMs,
  parseTimeBound,
  toLikePattern,
} from './values.js';
import type { FieldContext, SqlPart } from './sql-part.js';

export type { FieldContext, SqlPart } from './sql-part.js';

interface FieldSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly help: string;
  readonly compile: (value: string, context: FieldContext) => SqlPart;
  /**
   * Several exact values ORed together (an IoC list of thousands), as one set lookup: ORed one by
   * one they made SQLite's expression tree too deep and its plan slow. Null: not worth a set form.
   */
  readonly compileSet?: (values: readonly string[], context: FieldContext) => SqlPart | null;
}

const part = (sql: string, ...params: unknown[]): SqlPart => ({ sql, params });

/** Rows whose full-text columns match an FTS5 expression (bound, never spliced). */
export function ftsMatch(expression: string): SqlPart {
  return part('e.row_id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)', expression);
}

function and(...parts: (SqlPart | null)[]): SqlPart {
  const present = parts.filter((p): p is SqlPart => p !== null);
  return { sql: present.map((p) => p.sql).join(' AND '), params: present.flatMap((p) => p.params) };
}

/**
 * One text column against a value: exact (case-insensitive), `*` wildcards, or `*` alone for "any".
 * A literal prefix becomes a range so the column's NOCASE index is used, then LIKE checks the rest.
 */
function textColumn(column: string, value: string): SqlPart {
  if (value === '*') return part(`${column} IS NOT NULL`);
  if (!hasWildcard(value)) return part(`${column} = ? COLLATE NOCASE`, value);
  const like = part(`${column} LIKE ? ESCAPE '\\'`, toLikePattern(value));
  const prefix = literalPrefix(value);
  if (prefix === '') return like;
  return and(
    part(`${column} >= ? COLLATE NOCASE AND ${column} < ? COLLATE NOCASE`, prefix, `${prefix}\u{10FFFF}`),
    like,
  );
}

/**
 * Several columns, any of which may hold the value, narrowed first through one full-text column.
 * `wholeValues`: the full-text column holds a whole-value token of each of these columns
 * (normalize/value-token.ts), so an exact value is looked up as one token rather than as its words.
 */
function anyColumnVia(
  ftsColumns: readonly string[],
  columns: readonly string[],
  value: string,
  context: FieldContext,
  wholeValues = false,
): SqlPart {
  const alternatives = columns.map((column) => textColumn(column, value));
  const either = {
    sql: `(${alternatives.map((p) => p.sql).join(' OR ')})`,
    params: alternatives.flatMap((p) => p.params),
  };
  if (value === '*' || !context.narrow) return either;
  const expression = wholeValues && !hasWildcard(value) ? valueTokenExpression(value) : patternExpression(value);
  return and(expression === null ? null : ftsMatch(inColumns(ftsColumns, expression)), either);
}

/** Exact IPv4 addresses as one lookup in their index; null when any value is something else. */
function compileIpSet(values: readonly string[]): SqlPart | null {
  const numbers = values.map(ipv4ToInt);
  if (numbers.some((number) => number === null)) return null;
  return part('e.source_ipv4_int IN (SELECT value FROM json_each(?))', JSON.stringify(numbers));
}

/**
 * Exact values of one column as a set, narrowed (when `ftsColumns` are given) by any of their words
 * in the full-text index: what `anyColumnVia` does for one value.
 */
function columnSet(
  column: string,
  values: readonly string[],
  context: FieldContext,
  ftsColumns: readonly string[] | null,
): SqlPart {
  const check = part(`${column} COLLATE NOCASE IN (SELECT value FROM json_each(?))`, JSON.stringify(values));
  if (!context.narrow || ftsColumns === null) return check;
  const expressions = values.map(patternExpression);
  if (expressions.some((expression) => expression === null)) return check;
  return and(ftsMatch(inColumns(ftsColumns, expressions.map((expression) => `(${expression})`).join(' OR '))), check);
}

/**
 * `id:` is an event's handle as logs and tickets quote it: its eventID, requestID or sharedEventID.
 * The eventID is looked up in its unique index (as typed and lower-cased, the form CloudTrail writes);
 * the other two are read from the record.
 */
function compileId(value: string): SqlPart {
  // The page planner tests rows of event_rows itself (engine.ts), which lacks the record's columns:
  // those are read through the view, in a subquery SQLite runs once.
  const inRecord = (test: string) => `e.row_id IN (SELECT v.row_id FROM events v WHERE ${test})`;
  if (hasWildcard(value)) {
    const like = toLikePattern(value);
    const recordIdsLike = inRecord("v.request_id LIKE ? ESCAPE '\\' OR v.shared_event_id LIKE ? ESCAPE '\\'");
    return part(`(e.event_id LIKE ? ESCAPE '\\' OR ${recordIdsLike})`, like, like, like);
  }
  return part(
    `(e.event_id IN (?, ?) OR ${inRecord('v.request_id = ? COLLATE NOCASE OR v.shared_event_id = ? COLLATE NOCASE')})`,
    value,
    value.toLowerCase(),
    value,
    value,
  );
}

/** Either side of `around:EVENTID` when no `/span` is given: what an investigator reads first. */
const DEFAULT_AROUND_MS = 15 * 60_000;

/** `around:EVENTID[/1h]`: events within the span either side of that event's time. */
function compileAround(value: string): SqlPart {
  const slash = value.lastIndexOf('/');
  const id = slash === -1 ? value : value.slice(0, slash);
  const spanMs = slash === -1 ? DEFAULT_AROUND_MS : parseSpanMs(value.slice(slash + 1));
  if (id === '' || hasWildcard(id))
    throw new BadValueError(
      `"${value}" needs one eventID, optionally with a span: around:EVENTID or around:EVENTID/1h`,
    );
  const seconds = Math.round(spanMs / 1000);
  const at = (sign: '-' | '+') =>
    `(SELECT strftime('%Y-%m-%dT%H:%M:%SZ', a.event_time, '${sign}${seconds} seconds') ` +
    'FROM events a WHERE a.event_id IN (?, ?))';
  return part(`e.event_time BETWEEN ${at('-')} AND ${at('+')}`, id, id.toLowerCase(), id, id.toLowerCase());
}

/** Answered from its own index (schema.sql), newest first, with no full-text lookup. */
function compileAction(value: string): SqlPart {
  return textColumn('e.event_name_base', hasWildcard(value) ? value : baseEventName(value));
}

/** `ecs` is short for ecs.amazonaws.com; anything with a dot or a wildcard is taken as written. */
function compileSource(value: string, context: FieldContext): SqlPart {
  return anyColumnVia(['action'], ['e.event_source'], sourceName(value), context);
}

function sourceName(value: string): string {
  return value.includes('.') || hasWildcard(value) ? value : `${value}.amazonaws.com`;
}

function compileIp(value: string, context: FieldContext): SqlPart {
  if (value.includes('/')) {
    const { first, last } = parseIpv4Cidr(value);
    return part('e.source_ipv4_int BETWEEN ? AND ?', first, last);
  }
  const ipv4 = ipv4ToInt(value);
  if (ipv4 !== null) return part('e.source_ipv4_int = ?', ipv4);
  return anyColumnVia(['network'], ['e.source_ip_address'], value, context, true);
}

function compileError(value: string, context: FieldContext): SqlPart {
  return anyColumnVia(['error'], ['e.error_code'], value, context);
}

/** A resource is whatever names it in the request or the resources list: matched as words. */
function compileResource(value: string): SqlPart {
  const expression = hasWildcard(value) ? patternExpression(value) : freeTextExpression(value);
  if (expression === null) throw new BadValueError(`"${value}" needs at least one whole word besides wildcards`);
  return ftsMatch(inColumns(['request', 'resources', 'response'], expression));
}

function compileAccount(value: string, context: FieldContext): SqlPart {
  if (!/^[\d*]+$/.test(value))
    throw new BadValueError(`"${value}" is not an account id (12 digits, * wildcards allowed)`);
  return anyColumnVia(['identity'], ['e.recipient_account_id', 'e.user_identity_account_id'], value, context);
}

/** The other records live in event_conflicts (issue 13); the kept one is the event searched. */
function compileConflict(value: string): SqlPart {
  return part(`e.row_id ${parseBoolean(value) === 1 ? 'IN' : 'NOT IN'} (SELECT row_id FROM event_conflicts)`);
}

export const FIELDS: readonly FieldSpec[] = [
  {
    name: 'action',
    aliases: ['event', 'eventname', 'name'],
    help: 'eventName: action:RunTask, action:Delete*',
    compile: compileAction,
    compileSet: (vs, c) => columnSet('e.event_name_base', vs.map(baseEventName), c, null),
  },
  {
    name: 'source',
    aliases: ['service', 'eventsource'],
    help: 'eventSource: source:ecs, source:iam.amazonaws.com',
    compile: compileSource,
    compileSet: (vs, c) => columnSet('e.event_source', vs.map(sourceName), c, ['action']),
  },
  {
    name: 'user',
    aliases: ['identity', 'arn', 'who'],
    help:
      'an identity in any form: ARN, user or session name, Role/session, principal id or a part, ' +
      'session issuer, root, invoking service: user:ci-deploy, user:*Admin*',
    compile: compileUser,
    compileSet: compileUserSet,
  },
  {
    name: 'type',
    aliases: ['usertype'],
    help: 'userIdentity type: type:Root, type:AssumedRole',
    compile: (v, c) => anyColumnVia(['identity'], ['e.user_identity_type'], v, c),
    compileSet: (vs, c) => columnSet('e.user_identity_type', vs, c, ['identity']),
  },
  {
    name: 'key',
    aliases: ['accesskey', 'akid'],
    help: 'access key id: key:AKIA…',
    compile: (v, c) => anyColumnVia(['identity'], ['e.user_identity_access_key_id'], v, c),
    compileSet: (vs, c) => columnSet('e.user_identity_access_key_id', vs, c, ['identity']),
  },
  {
    name: 'ip',
    aliases: ['sourceip', 'addr'],
    help: 'source IP, exact or CIDR, or a service name: ip:203.0.113.0/24',
    compile: compileIp,
    compileSet: compileIpSet,
  },
  {
    name: 'region',
    aliases: ['awsregion'],
    help: 'region: region:eu-west-1',
    compile: (v, c) => anyColumnVia(['network'], ['e.aws_region'], v, c),
    compileSet: (vs, c) => columnSet('e.aws_region', vs, c, ['network']),
  },
  {
    name: 'account',
    aliases: ['acct'],
    help: 'recipient or identity account: account:111122223333',
    compile: compileAccount,
  },
  {
    name: 'resource',
    aliases: ['res', 'target'],
    help: 'an ARN or name in resources or request parameters: resource:my-bucket',
    compile: compileResource,
  },
  {
    name: 'error',
    aliases: ['errorcode', 'err'],
    help: 'errorCode: error:AccessDenied*, error:* (any), -error:* (successes)',
    compile: compileError,
    compileSet: (vs, c) => columnSet('e.error_code', vs, c, ['error']),
  },
  {
    name: 'readonly',
    aliases: ['ro', 'read_only'],
    help: 'readonly:true or readonly:false',
    compile: (v) => part('e.read_only = ?', parseBoolean(v)),
  },
  {
    name: 'conflict',
    aliases: ['conflicts'],
    help:
      'events whose eventID was also logged with other content ' +
      '(redaction, a hand-edited log or tampering): conflict:true',
    compile: compileConflict,
  },
  {
    name: 'since',
    aliases: ['after'],
    help: 'since:24h, since:7d, since:2024-05-01, since:2024-05-01T12:00Z',
    compile: (v, c) => part('e.event_time >= ?', parseTimeBound(v, 'since', c.now)),
  },
  {
    name: 'id',
    aliases: ['eventid', 'requestid'],
    help: 'eventID, requestID or sharedEventID: id:3f2a…',
    compile: compileId,
  },
  {
    name: 'around',
    aliases: [],
    help: 'events 15 minutes either side of an event, or a span you give: around:EVENTID, around:EVENTID/1h',
    compile: compileAround,
  },
  {
    name: 'until',
    aliases: ['before'],
    help: 'until:2024-05-01 (whole day), until:2024-05-01T12:00Z',
    compile: (v, c) => part('e.event_time <= ?', parseTimeBound(v, 'until', c.now)),
  },
];

const BY_NAME = new Map(
  FIELDS.flatMap((field) => [field.name, ...field.aliases].map((name) => [name, field] as const)),
);

export function findField(name: string): FieldSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function fieldNames(): string[] {
  return FIELDS.map((field) => field.name);
}
