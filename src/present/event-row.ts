import type { EventListRow } from '../search/engine.js';
import { eventIdentity } from '../search/event-identity.js';
import type { IdentityColumns } from '../search/event-identity.js';

/**
 * How one event reads in a list (CLI table, CSV, TUI): the identity in short form, the columns an
 * investigator scans first. Escaping is left to the writer that puts it on a screen or in a file.
 */
export const LIST_LABELS = ['time', 'account', 'region', 'identity', 'action', 'source_ip', 'error'] as const;
export const CSV_LABELS = [
  'time',
  'account',
  'region',
  'identity_type',
  'identity_arn',
  'access_key',
  'event_source',
  'action',
  'source_ip',
  'user_agent',
  'error',
  'error_message',
  'row_id',
] as const;

export function toListRow(row: EventListRow): Record<(typeof LIST_LABELS)[number], string | null> {
  return {
    time: row.event_time,
    account: row.recipient_account_id,
    region: row.aws_region,
    identity: shortIdentity(row),
    action: row.event_name,
    source_ip: row.source_ip_address,
    error: row.error_code,
  };
}

export function toCsvRow(row: EventListRow): Record<(typeof CSV_LABELS)[number], string | number | null> {
  return {
    time: row.event_time,
    account: row.recipient_account_id,
    region: row.aws_region,
    identity_type: row.user_identity_type,
    identity_arn: row.user_identity_arn,
    access_key: row.user_identity_access_key_id,
    event_source: row.event_source,
    action: row.event_name,
    source_ip: row.source_ip_address,
    user_agent: row.user_agent,
    error: row.error_code,
    error_message: row.error_message,
    row_id: row.row_id,
  };
}

/**
 * The event's identity (search/event-identity.ts) in short form: an ARN cut to the part that tells
 * identities apart within an account (`Role/session` for an assumed role, the user name for a user,
 * `root`); the calling service, user name or type as they are; empty when the event names none.
 */
export function shortIdentity(row: IdentityColumns): string {
  const identity = eventIdentity(row);
  if (identity === null) return '';
  return identity === row.user_identity_arn ? shortArn(identity) : identity;
}

function shortArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  if (resource === 'root') return 'root';
  const assumed = /^assumed-role\/(.+)$/.exec(resource);
  if (assumed) return assumed[1]!;
  const slash = resource.lastIndexOf('/');
  return slash === -1 ? resource : resource.slice(slash + 1);
}
