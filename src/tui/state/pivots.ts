import { isoSecondsOf } from '../../normalize/time.js';
import type { EventListRow } from '../../search/engine.js';
import { fieldTerm, quoteValue } from './query-text.js';

/** Questions asked of the selected event with one key (keymap.ts). */
export type PivotKind = 'identity' | 'key' | 'ip' | 'session' | 'time';

/** Half the window `t` shows around an event. */
const AROUND_MS = 15 * 60_000;

type PivotRow = Pick<
  EventListRow,
  | 'event_time'
  | 'user_identity_type'
  | 'user_identity_arn'
  | 'user_identity_user_name'
  | 'user_identity_invoked_by'
  | 'user_identity_access_key_id'
  | 'session_issuer_arn'
  | 'source_ip_address'
>;

/**
 * The query that answers "what else did this …": the same identity (for an assumed role, every
 * session of the role), access key, source IP, session (the assumed-role session ARN, else a
 * temporary ASIA key), or everything within 15 minutes. A reason when the event lacks the value.
 */
export function pivotQuery(kind: PivotKind, row: PivotRow): { query: string } | { reason: string } {
  switch (kind) {
    case 'identity': {
      const identity =
        (row.user_identity_type === 'AssumedRole' ? row.session_issuer_arn : null) ??
        row.user_identity_arn ??
        row.user_identity_user_name;
      if (identity) return { query: fieldTerm('user', identity) };
      return row.user_identity_invoked_by
        ? { query: `type:AWSService ${quoteValue(row.user_identity_invoked_by)}` }
        : { reason: 'this event names no identity' };
    }
    case 'key':
      return row.user_identity_access_key_id
        ? { query: fieldTerm('key', row.user_identity_access_key_id) }
        : { reason: 'this event has no access key' };
    case 'ip':
      return row.source_ip_address
        ? { query: fieldTerm('ip', row.source_ip_address) }
        : { reason: 'this event has no source IP' };
    case 'session':
      if (row.user_identity_type === 'AssumedRole' && row.user_identity_arn)
        return { query: fieldTerm('user', row.user_identity_arn) };
      if (row.user_identity_access_key_id?.startsWith('ASIA'))
        return { query: fieldTerm('key', row.user_identity_access_key_id) };
      return { reason: 'not a temporary session: no assumed role, no ASIA key' };
    case 'time': {
      const ms = row.event_time ? Date.parse(row.event_time) : Number.NaN;
      if (Number.isNaN(ms)) return { reason: 'this event has no time' };
      return { query: `since:${isoSecondsOf(ms - AROUND_MS)} until:${isoSecondsOf(ms + AROUND_MS)}` };
    }
  }
}
