import type { SqliteDatabase } from '../store/db.js';
import { UserError } from '../errors.js';
import { compileQuery } from '../search/compile.js';
import { allRows, allValues, firstRow, firstValue } from '../search/read-statement.js';
import { isObject, textField, toPrincipal } from '../normalize/identity.js';
import type { Principal } from '../normalize/identity.js';
import type { TraceLinkKind } from '../normalize/trace-links.js';

type Json = Record<string, unknown>;

/** Who made a call, as much as a trace needs of `userIdentity`. */
export interface TraceIdentity extends Principal {
  /** sessionContext.attributes.creationDate: when the session's credentials were issued. */
  readonly creationDate: string | null;
  /** userIdentity.sourceIdentity (or in sessionContext), carried along a role chain. */
  readonly sourceIdentity: string | null;
  readonly identityProvider: string | null;
}

/** An event a trace shows or follows: the columns of a hop line, and the parts of its record links are read from. */
export interface TraceEvent {
  readonly rowId: number;
  readonly eventId: string | null;
  readonly eventTime: string | null;
  readonly accountId: string | null;
  readonly region: string | null;
  readonly eventSource: string | null;
  readonly eventName: string | null;
  readonly sourceIp: string | null;
  readonly errorCode: string | null;
  readonly requestId: string | null;
  readonly sharedEventId: string | null;
  readonly identity: TraceIdentity;
  readonly request: Json | null;
  readonly response: Json | null;
}

interface EventRow {
  row_id: number;
  user_identity_type?: string | null;
  user_identity_arn?: string | null;
  user_identity_access_key_id?: string | null;
  user_identity_account_id?: string | null;
  user_identity_principal_id?: string | null;
  user_identity_user_name?: string | null;
  user_identity_invoked_by?: string | null;
  event_id: string | null;
  event_time: string | null;
  recipient_account_id: string | null;
  aws_region: string | null;
  event_source: string | null;
  event_name: string | null;
  source_ip_address: string | null;
  error_code: string | null;
  request_id: string | null;
  shared_event_id: string | null;
  record: string | null;
}

const BRIEF_COLUMNS =
  'e.row_id, e.event_id, e.event_time, e.recipient_account_id, e.aws_region, e.event_source, e.event_name, ' +
  'e.source_ip_address, e.error_code, NULL AS request_id, NULL AS shared_event_id, NULL AS record, ' +
  'e.user_identity_type, e.user_identity_arn, e.user_identity_access_key_id, e.user_identity_account_id, ' +
  'e.user_identity_principal_id, e.user_identity_user_name, e.user_identity_invoked_by';

const EVENT_COLUMNS =
  'e.row_id, e.event_id, e.event_time, e.recipient_account_id, e.aws_region, e.event_source, e.event_name, ' +
  'e.source_ip_address, e.error_code, e.request_id, e.shared_event_id, e.record';

/**
 * The index as a trace reads it: every lookup is by a key with its own index (event id, a
 * trace_links kind and value, an access key or ARN through events_fts), never a scan.
 */
/** What a failed trace read says: the index is not one trace can read. */
const TRACE_READ = 'cannot read the trace from this index';

export class TraceLookup {
  constructor(readonly db: SqliteDatabase) {
    if (
      firstValue(
        db,
        { sql: "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'trace_links'", params: [] },
        TRACE_READ,
      ) === undefined
    ) {
      throw new UserError({
        what: 'cannot trace in this index',
        reason: 'it was built by a trailhound without trace links (the trace_links table)',
        help: 'index the same logs again into a new --db file',
      });
    }
  }

  eventById(eventId: string): TraceEvent | null {
    const row = firstRow<EventRow>(
      this.db,
      { sql: `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id = ?`, params: [eventId] },
      TRACE_READ,
    );
    return row ? toTraceEvent(row) : null;
  }

  eventsByRowIds(rowIds: readonly number[]): TraceEvent[] {
    return this.readByRowIds(EVENT_COLUMNS, rowIds);
  }

  /**
   * The same events from their indexed columns only: no record is inflated, so no parameters or
   * response, and the identity without session attributes. A blast radius lists hundreds of opening
   * calls; inflating their record blocks took 2 ms each (922 calls: 1.8 s on a loaded machine).
   */
  briefEventsByRowIds(rowIds: readonly number[]): TraceEvent[] {
    return this.readByRowIds(BRIEF_COLUMNS, rowIds);
  }

  /** The events that proved a link of this kind and value, oldest first. */
  eventsLinking(kind: TraceLinkKind, value: string): TraceEvent[] {
    return this.eventsByRowIds(this.rowIdsLinking(kind, value));
  }

  /** The ids of the events that proved a link of this kind and value, without reading them. */
  rowIdsLinking(kind: TraceLinkKind, value: string): number[] {
    return allValues<number>(
      this.db,
      { sql: 'SELECT row_id FROM trace_links WHERE kind = ? AND value = ?', params: [kind, value] },
      TRACE_READ,
    );
  }

  linksOf(rowIds: readonly number[]): { kind: TraceLinkKind; value: string; rowId: number }[] {
    if (rowIds.length === 0) return [];
    const sql = 'SELECT kind, value, row_id AS rowId FROM trace_links WHERE row_id IN (SELECT value FROM json_each(?))';
    return allRows(this.db, { sql, params: [JSON.stringify(rowIds)] }, TRACE_READ);
  }

  /** The newest event made with this access key or by this identity ARN, to learn who holds it. */
  newestEventOf(by: { key: string } | { arn: string }): TraceEvent | null {
    const compiled = compileQuery(identityQuery(by));
    const sql =
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.row_id = ` +
      `(SELECT e.row_id FROM events e WHERE ${compiled.where.sql} ORDER BY e.event_time DESC LIMIT 1)`;
    const row = firstRow<EventRow>(this.db, { sql, params: compiled.where.params }, TRACE_READ);
    return row ? toTraceEvent(row) : null;
  }

  /** Whether events were stored before the trace tables existed (they have no links). */
  eventsWithoutLinks(): number {
    const value = firstValue<number>(
      this.db,
      { sql: "SELECT value FROM meta WHERE key = 'trace_links_from_row'", params: [] },
      TRACE_READ,
    );
    return value === undefined ? Number.POSITIVE_INFINITY : Number(value);
  }

  private readByRowIds(columns: string, rowIds: readonly number[]): TraceEvent[] {
    if (rowIds.length === 0) return [];
    const sql =
      `SELECT ${columns} FROM events e WHERE e.row_id IN (SELECT value FROM json_each(?)) ` +
      'ORDER BY e.event_time, e.row_id';
    return allRows(this.db, { sql, params: [JSON.stringify(rowIds)] }, TRACE_READ, toTraceEvent);
  }
}

/** The search-language filter for one identity: by key, or by ARN (quoted: ARNs hold colons). */
export function identityQuery(by: { key: string } | { arn: string }): string {
  return 'key' in by ? `key:"${by.key}"` : `user:"${by.arn}"`;
}

function toTraceEvent(row: EventRow): TraceEvent {
  const record = parseRecord(row.record);
  return {
    rowId: row.row_id,
    eventId: row.event_id,
    eventTime: row.event_time,
    accountId: row.recipient_account_id,
    region: row.aws_region,
    eventSource: row.event_source,
    eventName: row.event_name,
    sourceIp: row.source_ip_address,
    errorCode: row.error_code,
    requestId: row.request_id,
    sharedEventId: row.shared_event_id,
    identity: toTraceIdentity(record ? record['userIdentity'] : identityFromColumns(row)),
    request: isObject(record?.['requestParameters']) ? record['requestParameters'] : null,
    response: isObject(record?.['responseElements']) ? record['responseElements'] : null,
  };
}

function identityFromColumns(row: EventRow): Json {
  return {
    type: row.user_identity_type,
    arn: row.user_identity_arn,
    accessKeyId: row.user_identity_access_key_id,
    accountId: row.user_identity_account_id,
    principalId: row.user_identity_principal_id,
    userName: row.user_identity_user_name,
    invokedBy: row.user_identity_invoked_by,
  };
}

function parseRecord(text: string | null): Json | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  return isObject(value) ? value : null;
}

export function toTraceIdentity(userIdentity: unknown): TraceIdentity {
  const identity = isObject(userIdentity) ? userIdentity : null;
  const session = isObject(identity?.['sessionContext']) ? identity['sessionContext'] : null;
  const attributes = isObject(session?.['attributes']) ? session['attributes'] : null;
  return {
    ...toPrincipal(userIdentity),
    creationDate: textField(attributes, 'creationDate'),
    sourceIdentity: textField(identity, 'sourceIdentity') ?? textField(session, 'sourceIdentity'),
    identityProvider: textField(identity, 'identityProvider'),
  };
}
