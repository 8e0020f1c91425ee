import { isObject, flagField, identityValues, textField, toPrincipal } from './identity.js';
import type { Principal } from './identity.js';
import { toIsoSeconds } from './time.js';
import { toSearchText } from './search-text.js';
import { baseEventName } from './event-name.js';
import type { SearchText } from './search-text.js';

/** One CloudTrail event, shaped for the `event_rows` table. Everything but `recordText` may be null. */
export interface TrailEvent {
  readonly eventId: string | null;
  readonly eventTime: string | null;
  readonly eventVersion: string | null;
  readonly eventSource: string | null;
  readonly eventName: string | null;
  readonly eventNameBase: string | null;
  readonly awsRegion: string | null;
  readonly sourceIpAddress: string | null;
  readonly sourceIp: string | null;
  readonly sourceIpv4Int: number | null;
  readonly userAgent: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly readOnly: number | null;
  readonly eventType: string | null;
  readonly eventCategory: string | null;
  readonly managementEvent: number | null;
  readonly recipientAccountId: string | null;
  readonly requestId: string | null;
  readonly sharedEventId: string | null;
  readonly principal: Principal;
  readonly searchText: SearchText;
  /** Set when eventTime was present but not a time: the event is kept, the problem reported. */
  readonly timeProblem: string | null;
}

/** The verdict on one JSON value from a log file. */
export type Classified =
  | { readonly kind: 'event'; readonly event: TrailEvent }
  | { readonly kind: 'wrapped'; readonly inner: readonly WrappedRecord[] }
  | { readonly kind: 'digest' }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * A record inside a wrapper, and where: `path` leads from the wrapper to it (`['logEvents', 2,
 * 'message']`), so that the decoder keeps the record's own bytes. A record serialised into a string
 * field (CloudWatch Logs, lookup-events) arrives as that string, parsed only after its depth is checked.
 */
export type WrappedRecord =
  | { readonly kind: 'value'; readonly value: unknown; readonly path: readonly (string | number)[] }
  | { readonly kind: 'text'; readonly text: unknown; readonly path: readonly (string | number)[] };

/**
 * Keys of which any one makes an object a CloudTrail record: old and odd records lack most fields,
 * but eventName and eventSource alone also describe an API in catalogues (TrailDiscover metadata).
 */
const EVENT_KEYS = [
  'eventVersion',
  'eventTime',
  '@timestamp',
  'eventID',
  'userIdentity',
  'awsRegion',
  'sourceIPAddress',
  'requestParameters',
  'responseElements',
  'errorCode',
  'eventType',
  'requestID',
  'recipientAccountId',
];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/**
 * Decides what a JSON value is: a CloudTrail event, a wrapper holding events (Panther test cases,
 * CloudWatch Logs subscriptions, `lookup-events` output), a digest, or something to reject with a reason.
 */
export function classifyValue(value: unknown): Classified {
  if (!isObject(value))
    return { kind: 'rejected', reason: `a record must be a JSON object, not ${describeType(value)}` };
  if (isDigest(value)) return { kind: 'digest' };
  const notification = notificationReason(value);
  if (notification) return { kind: 'rejected', reason: notification };
  if (EVENT_KEYS.some((key) => key in value)) return { kind: 'event', event: toTrailEvent(value) };
  const inner = unwrap(value);
  if (inner) return { kind: 'wrapped', inner };
  if ('Records' in value)
    return { kind: 'rejected', reason: `"Records" is ${describeType(value['Records'])}, not an array of events` };
  return { kind: 'rejected', reason: `not a CloudTrail event (keys: ${describeKeys(value)})` };
}

export function isDigest(value: Record<string, unknown>): boolean {
  return 'digestS3Object' in value && 'logFiles' in value;
}

/** S3 and SNS notifications look like events (eventVersion, eventSource…) and are not (CLOUDTRAIL.md §1). */
function notificationReason(value: Record<string, unknown>): string | null {
  const source = value['eventSource'];
  if (typeof source === 'string' && source.startsWith('aws:'))
    return `an ${source} event notification, not a CloudTrail event`;
  if (value['Type'] === 'Notification' && 'Message' in value) return 'an SNS notification, not a CloudTrail event';
  return null;
}

function unwrap(value: Record<string, unknown>): WrappedRecord[] | null {
  const records = value['Records'];
  if (Array.isArray(records))
    return records.map((inner, index) => ({ kind: 'value', value: inner, path: ['Records', index] }));
  if (isObject(value['event'])) return [{ kind: 'value', value: value['event'], path: ['event'] }];
  if (typeof value['CloudTrailEvent'] === 'string')
    return [{ kind: 'text', text: value['CloudTrailEvent'], path: ['CloudTrailEvent'] }];
  const logEvents = value['logEvents'];
  if (Array.isArray(logEvents)) return embeddedIn(logEvents, 'logEvents', 'message');
  // `aws cloudtrail lookup-events` prints {"Events": [{…, "CloudTrailEvent": "<the record>"}]}.
  const events = value['Events'];
  if (Array.isArray(events) && events.some((entry) => isObject(entry) && 'CloudTrailEvent' in entry))
    return embeddedIn(events, 'Events', 'CloudTrailEvent');
  return null;
}

function embeddedIn(entries: readonly unknown[], key: string, member: string): WrappedRecord[] {
  return entries.map((entry, index) => ({
    kind: 'text',
    text: isObject(entry) ? entry[member] : undefined,
    path: [key, index, member],
  }));
}

/** The first few keys, each cut short: enough to recognise the file, bounded whatever it holds. */
function describeKeys(value: Record<string, unknown>): string {
  const keys = Object.keys(value);
  const shown = keys.slice(0, 6).map((key) => (key.length > 40 ? `${key.slice(0, 40)}…` : key));
  return keys.length === 0 ? 'none' : shown.join(', ') + (keys.length > 6 ? `, … ${keys.length - 6} more` : '');
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Shapes one event object. Never throws: a field of the wrong type becomes null. */
export function toTrailEvent(record: Record<string, unknown>): TrailEvent {
  const rawTime = record['eventTime'] ?? record['@timestamp'];
  const eventTime = toIsoSeconds(rawTime);
  const eventName = textField(record, 'eventName');
  const sourceIpAddress = textField(record, 'sourceIPAddress');
  const sourceIp = firstIpAddress(sourceIpAddress);
  const principal = toPrincipal(record['userIdentity']);
  return {
    eventId: textField(record, 'eventID'),
    eventTime,
    eventVersion: textField(record, 'eventVersion'),
    eventSource: textField(record, 'eventSource'),
    eventName,
    eventNameBase: eventName === null ? null : baseEventName(eventName),
    awsRegion: textField(record, 'awsRegion'),
    sourceIpAddress,
    sourceIp,
    sourceIpv4Int: sourceIp === null ? null : ipv4ToInt(sourceIp),
    userAgent: textField(record, 'userAgent'),
    errorCode: textField(record, 'errorCode'),
    errorMessage: textField(record, 'errorMessage'),
    readOnly: flagField(record['readOnly']),
    eventType: textField(record, 'eventType'),
    eventCategory: textField(record, 'eventCategory'),
    managementEvent: flagField(record['managementEvent']),
    recipientAccountId: textField(record, 'recipientAccountId'),
    requestId: textField(record, 'requestID'),
    sharedEventId: textField(record, 'sharedEventID'),
    principal,
    searchText: toSearchText(record, { identity: identityValues(principal), network: [sourceIpAddress] }),
    timeProblem: eventTime === null ? describeBadTime(rawTime) : null,
  };
}

function describeBadTime(rawTime: unknown): string {
  if (rawTime === undefined) return 'the record has no eventTime';
  return `eventTime ${JSON.stringify(rawTime)?.slice(0, 80)} is not a time`;
}

/** The first address of a raw sourceIPAddress ("81.2.69.142, 192.168.10.10"); service names give null. */
export function firstIpAddress(raw: string | null): string | null {
  if (raw === null) return null;
  const first = raw.split(',')[0]!.trim();
  if (IPV4.test(first)) return first;
  return first.includes(':') && IPV6.test(first) ? first.toLowerCase() : null;
}

export function ipv4ToInt(address: string): number | null {
  const match = IPV4.exec(address);
  if (!match) return null;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return null;
  return ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
}
