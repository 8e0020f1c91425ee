import { baseEventName } from '../normalize/event-name.js';
import type { SqlPart } from '../search/fields.js';
import type { Aggregation, FieldPath, Pattern, Predicate } from './predicate.js';
import { hasWildcards, literalText } from './predicate.js';

/**
 * Renders a rule's predicate tree as a WHERE clause over the `events` view (aliased `e`) for SQLite.
 * Every value from a rule, field paths included, is a bound parameter; column names come from the
 * fixed map below. Fields with a stored column read it; every other path is read from the record with
 * json_extract, so the SQL depends only on the view's contract columns and `record`.
 */

/**
 * CloudTrail paths whose stored column holds exactly the path's value as defined in predicate.ts
 * (normalize/identity.ts textField: a non-empty string, or a number's or boolean's text).
 */
const COLUMNS: Readonly<Record<string, string>> = {
  eventID: 'e.event_id',
  eventVersion: 'e.event_version',
  eventType: 'e.event_type',
  eventCategory: 'e.event_category',
  requestID: 'e.request_id',
  sharedEventID: 'e.shared_event_id',
  userAgent: 'e.user_agent',
  errorMessage: 'e.error_message',
  eventSource: 'e.event_source',
  eventName: 'e.event_name',
  awsRegion: 'e.aws_region',
  sourceIPAddress: 'e.source_ip_address',
  errorCode: 'e.error_code',
  recipientAccountId: 'e.recipient_account_id',
  'userIdentity.type': 'e.user_identity_type',
  'userIdentity.arn': 'e.user_identity_arn',
  'userIdentity.principalId': 'e.user_identity_principal_id',
  'userIdentity.accountId': 'e.user_identity_account_id',
  'userIdentity.accessKeyId': 'e.user_identity_access_key_id',
  'userIdentity.userName': 'e.user_identity_user_name',
  'userIdentity.invokedBy': 'e.user_identity_invoked_by',
  'userIdentity.sessionContext.sessionIssuer.arn': 'e.session_issuer_arn',
  'userIdentity.sessionContext.sessionIssuer.userName': 'e.session_issuer_user_name',
  'userIdentity.sessionContext.sessionIssuer.type': 'e.session_issuer_type',
};

/** Whether a field is read from a stored column (cheap) rather than from the record (inflated, parsed). */
export function storedColumnOf(field: FieldPath): string | null {
  return COLUMNS[field.name] ?? null;
}

const part = (sql: string, ...params: unknown[]): SqlPart => ({ sql, params });

/** `$."a"."b"`: each key quoted, so rule text is never read as JSON path syntax. */
export function jsonPathOf(field: FieldPath): string {
  return `$${field.keys.map((key) => `."${key}"`).join('')}`;
}

/**
 * The record, as `r.rec` inside `EXISTS (… FROM (SELECT jsonb(e.record) AS rec LIMIT 1) r …)`: the
 * record is read and parsed once per row, not once per field reference. (The LIMIT keeps SQLite from
 * flattening the subquery back into one call per reference; a rule testing userAgent for seven
 * words read each record fourteen times and took 4 s over 9,000 events.)
 */
const RECORD = 'r.rec';
const ONE_RECORD = '(SELECT jsonb(e.record) AS rec LIMIT 1) r';

/** The field's value as text, or NULL when it has none (predicate.ts). */
function valueOf(field: FieldPath): SqlPart {
  const column = storedColumnOf(field);
  if (column) return part(column);
  const path = jsonPathOf(field);
  return part(
    `CASE json_type(${RECORD}, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ` +
      `ELSE nullif(CAST(json_extract(${RECORD}, ?) AS TEXT), '') END`,
    path,
    path,
  );
}

/** Whether a predicate reads the record (and so must sit inside the one-record scope). */
function readsRecord(predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'const':
    case 'cidr':
      return false;
    case 'match':
    case 'regex':
    case 'exists':
      return storedColumnOf(predicate.field) === null;
    case 'fieldref':
      return storedColumnOf(predicate.field) === null || storedColumnOf(predicate.other) === null;
    case 'compare':
    case 'keyword':
      return true;
    case 'not':
      return readsRecord(predicate.item);
    case 'and':
    case 'or':
    case 'atLeast':
      return predicate.items.some(readsRecord);
  }
}

/**
 * The whole condition. Under each `and`, the tests of stored columns come first and stay where
 * SQLite can use them (the action index above all) to skip rows; the tests of the record follow in
 * one scope where it is parsed once. `or`, `not` and `N of` branches each get their own scope, so
 * `1 of selection_*` over several actions still finds its rows through the index.
 */
export function renderCondition(predicate: Predicate): SqlPart {
  if (!readsRecord(predicate)) return renderPredicate(predicate);
  switch (predicate.kind) {
    case 'and': {
      const columns = predicate.items
        .filter((item) => !readsRecord(item))
        .sort((a, b) => costOf(a) - costOf(b))
        .map(renderPredicate);
      const record = predicate.items.filter(readsRecord);
      const scoped =
        record.length === 1
          ? renderCondition(record[0]!)
          : inRecordScope(renderPredicate({ kind: 'and', items: record }));
      return around('($)', joinParts([...columns, scoped], ' AND '));
    }
    case 'or':
      return around('($)', joinParts(predicate.items.map(renderCondition), ' OR '));
    case 'not':
      return around('NOT coalesce(($), 0)', renderCondition(predicate.item));
    case 'atLeast':
      return around(
        '(($) >= ?)',
        joinParts(
          predicate.items.map((item) => around('coalesce(($), 0)', renderCondition(item))),
          ' + ',
        ),
        predicate.count,
      );
    default:
      return inRecordScope(renderPredicate(predicate));
  }
}

function inRecordScope(condition: SqlPart): SqlPart {
  return around(`EXISTS (SELECT 1 FROM ${ONE_RECORD} WHERE $)`, condition);
}

/** A value read from the record, outside a condition (an aggregation's group). */
function scalarOf(field: FieldPath): SqlPart {
  const value = valueOf(field);
  return storedColumnOf(field) ? value : around(`(SELECT $ FROM ${ONE_RECORD})`, value);
}

function joinParts(parts: readonly SqlPart[], separator: string): SqlPart {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) };
}

function around(sql: string, inner: SqlPart, ...params: unknown[]): SqlPart {
  return { sql: sql.replace('$', () => inner.sql), params: [...inner.params, ...params] };
}

/** A Sigma pattern as a LIKE pattern (ASCII case-insensitive, like Sigma's matching here), `\` escaping. */
export function toLikePattern(pattern: Pattern): string {
  return pattern
    .map((p) => (p.kind === 'any' ? '%' : p.kind === 'one' ? '_' : p.text.replace(/[\\%_]/g, '\\$&')))
    .join('');
}

function renderMatch(field: FieldPath, pattern: Pattern): SqlPart {
  const value = valueOf(field);
  if (hasWildcards(pattern)) return around("$ LIKE ? ESCAPE '\\'", value, toLikePattern(pattern));
  const text = literalText(pattern);
  // eventName: the action index (event_name_base COLLATE NOCASE, schema.sql) finds the few candidates.
  if (field.name === 'eventName')
    return part(
      '(e.event_name_base = ? COLLATE NOCASE AND e.event_name = ? COLLATE NOCASE)',
      baseEventName(text),
      text,
    );
  return around('$ = ? COLLATE NOCASE', value, text);
}

function renderFieldref(predicate: Extract<Predicate, { kind: 'fieldref' }>): SqlPart {
  const a = valueOf(predicate.field);
  const b = valueOf(predicate.other);
  const both = joinParts([a, b], ', ');
  const [x, y] = [a.sql, b.sql];
  switch (predicate.around) {
    case 'equals':
      return { sql: `(${x} = ${y} COLLATE NOCASE)`, params: both.params };
    case 'contains':
      return { sql: `(instr(lower(${x}), lower(${y})) > 0)`, params: both.params };
    case 'startswith':
      return {
        sql: `(substr(lower(${x}), 1, length(${y})) = lower(${y}))`,
        params: [...a.params, ...b.params, ...b.params],
      };
    case 'endswith':
      return {
        sql: `(length(${y}) > 0 AND substr(lower(${x}), -length(${y})) = lower(${y}))`,
        params: [...b.params, ...a.params, ...b.params, ...b.params],
      };
  }
}

/** Stored columns are tested before record paths, so most rows are rejected without reading their record. */
function costOf(predicate: Predicate): number {
  switch (predicate.kind) {
    case 'const':
      return 0;
    case 'match':
    case 'regex':
    case 'exists':
      return storedColumnOf(predicate.field) ? (predicate.field.name === 'eventName' ? 0 : 1) : 10;
    case 'cidr':
      return 1;
    case 'compare':
    case 'fieldref':
      return 10;
    case 'keyword':
      return 100;
    case 'not':
      return costOf(predicate.item);
    case 'and':
    case 'or':
    case 'atLeast':
      return Math.max(...predicate.items.map(costOf));
  }
}

/**
 * The predicate as SQL that is true, false or NULL (NULL only where false is meant: see `not`).
 * Record paths refer to `r.rec`: only valid inside renderCondition's scope.
 */
function renderPredicate(predicate: Predicate): SqlPart {
  switch (predicate.kind) {
    case 'const':
      return part(predicate.value ? '1' : '0');
    case 'match':
      return renderMatch(predicate.field, predicate.pattern);
    case 'regex': {
      const value = valueOf(predicate.field);
      const pattern = predicate.flags ? `(?${predicate.flags})${predicate.source}` : predicate.source;
      return { sql: `regexp(?, ${value.sql})`, params: [pattern, ...value.params] };
    }
    case 'cidr':
      // A value that is one IPv4 address: the stored first address equals the whole raw value.
      return part(
        '(e.source_ipv4_int BETWEEN ? AND ? AND e.source_ip = e.source_ip_address)',
        predicate.first,
        predicate.last,
      );
    case 'exists':
      return around('$ IS NOT NULL', valueOf(predicate.field));
    case 'compare': {
      const path = jsonPathOf(predicate.field);
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[predicate.op];
      return part(
        `(json_type(${RECORD}, ?) IN ('integer', 'real') AND json_extract(${RECORD}, ?) ${op} ?)`,
        path,
        path,
        predicate.value,
      );
    }
    case 'fieldref':
      return renderFieldref(predicate);
    case 'keyword':
      return part(
        `EXISTS (SELECT 1 FROM json_tree(${RECORD}) t WHERE t.type = 'text' AND t.atom LIKE ? ESCAPE '\\')`,
        toLikePattern(predicate.pattern),
      );
    case 'not':
      // NULL-safe: a field with no value makes its test NULL, and "not" must then be true.
      return around('NOT coalesce(($), 0)', renderPredicate(predicate.item));
    case 'and':
    case 'or': {
      const items = [...predicate.items].sort((a, b) => costOf(a) - costOf(b)).map(renderPredicate);
      return around('($)', joinParts(items, predicate.kind === 'and' ? ' AND ' : ' OR '));
    }
    case 'atLeast': {
      const items = predicate.items.map((item) => around('coalesce(($), 0)', renderPredicate(item)));
      return around('(($) >= ?)', joinParts(items, ' + '), predicate.count);
    }
  }
}

/** What a detection lists of each event. */
export const DETECTION_COLUMNS = [
  'row_id',
  'event_id',
  'event_time',
  'user_identity_type',
  'user_identity_arn',
  'user_identity_user_name',
  'user_identity_invoked_by',
  'session_issuer_arn',
  'event_source',
  'event_name',
  'source_ip_address',
  'recipient_account_id',
  'aws_region',
] as const;

export type DetectionRow = { [K in (typeof DETECTION_COLUMNS)[number]]: K extends 'row_id' ? number : string | null };

/** Narrows every rule's events: a search-language filter and a time range, as compiled elsewhere. */
export interface EventFilter {
  readonly where: SqlPart | null;
  readonly since: string | null;
  readonly until: string | null;
}

/**
 * A rule as a condition on `events e`: what `hunt` runs, what `export --rule` exports and what
 * `watch --alert-rules` tests on new rows.
 */
export function ruleWhere(predicate: Predicate, aggregation: Aggregation | null): SqlPart {
  const condition = renderCondition(predicate);
  return aggregation ? aggregatedIds(condition, aggregation) : condition;
}

/** One rule as one statement: its matching events, oldest first. */
export function ruleStatement(predicate: Predicate, aggregation: Aggregation | null, filter: EventFilter): SqlPart {
  const conditions = [ruleWhere(predicate, aggregation)];
  if (filter.where) conditions.push(around('($)', filter.where));
  if (filter.since) conditions.push(part('e.event_time >= ?', filter.since));
  if (filter.until) conditions.push(part('e.event_time <= ?', filter.until));
  const columns = DETECTION_COLUMNS.map((column) => `e.${column}`).join(', ');
  return around(
    `SELECT ${columns}\nFROM events e\nWHERE $\nORDER BY e.event_time, e.row_id`,
    joinParts(conditions, '\n  AND '),
  );
}

/**
 * `count() by FIELD > N` within `timeframe`: each matching event is counted with the matches of its
 * group in the window ending at its time (same-second events included); events where the count
 * passes the threshold are detections. Events without a time cannot be placed in a window. The
 * count sees every matching event, whatever --filter, --since or --until keep of the result.
 */
function aggregatedIds(condition: SqlPart, aggregation: Aggregation): SqlPart {
  const group = aggregation.groupBy ? scalarOf(aggregation.groupBy) : part('NULL');
  const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[aggregation.op];
  // The window's size is part of the statement's text: SQLite wants a constant there, and it is a
  // number the rule's timeframe was parsed into, never rule text.
  const window = `RANGE BETWEEN ${Math.floor(aggregation.windowSeconds)} PRECEDING AND CURRENT ROW`;
  const countInWindow = `count(*) OVER (PARTITION BY ${group.sql} ORDER BY unixepoch(e.event_time) ${window})`;
  return {
    sql:
      `e.row_id IN (\n  SELECT row_id FROM (\n    SELECT e.row_id, ${countInWindow} AS n\n` +
      `    FROM events e\n    WHERE ${condition.sql}\n      AND e.event_time IS NOT NULL)\n  WHERE n ${op} ?)`,
    params: [...group.params, ...condition.params, aggregation.threshold],
  };
}
