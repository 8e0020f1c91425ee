import { baseEventName } from './event-name.js';
import { isObject } from './identity.js';
import { valueTokens } from './value-token.js';

/** The text of one event for each full-text column of `events_fts`, decoded from JSON. */
export interface SearchText {
  readonly action: string;
  readonly identity: string;
  readonly network: string;
  readonly request: string;
  readonly response: string;
  readonly error: string;
  readonly resources: string;
}

/**
 * CloudTrail caps requestParameters at 100 KB, but a hostile or corrupt file need not: the index
 * keeps the first 32 KB of each column, the full record stays in `record`.
 */
const MAX_COLUMN_CHARS = 32 * 1024;
/** Deeper structure than this adds nothing findable and could be hostile. */
const MAX_FLATTEN_DEPTH = 32;

/**
 * Values that exact filters look up as whole values (search/fields.ts): the identity columns `user:`
 * checks, and the source IP address as stored.
 */
export interface WholeValues {
  readonly identity: readonly (string | null)[];
  readonly network: readonly (string | null)[];
}

export function toSearchText(record: Record<string, unknown>, whole: WholeValues): SearchText {
  return {
    action: joinWords([record['eventSource'], ...actionNames(record['eventName'])]),
    identity: withTokens(joinWords([...identityWords(record['userIdentity']), record['recipientAccountId']]), [
      ...whole.identity,
      ...identityForms(record['userIdentity']),
    ]),
    network: withTokens(
      flatten([record['sourceIPAddress'], record['userAgent'], record['awsRegion'], record['vpcEndpointId']]),
      whole.network,
    ),
    request: flatten([record['requestParameters'], record['additionalEventData']]),
    response: flatten([record['responseElements'], record['serviceEventDetails']]),
    error: joinWords([record['errorCode'], record['errorMessage']]),
    resources: flatten([record['resources']]),
  };
}

/**
 * What the full-text index sees of a value: `arn:aws:` prefixes and `.amazonaws.com` suffixes are
 * in almost every event, so their words only lengthened every posting list. Queries pass their
 * words through the same function (search/fts.ts), so `arn:aws:iam::1:user/bob` still finds bob.
 */
export function searchableForm(text: string): string {
  return text.replace(/\barn:aws[a-z-]*:/g, ':').replace(/\.amazonaws\.com\b/g, '');
}

/** The name as logged and, when it carries an API version, without it: `action:CreateService` finds both. */
function actionNames(eventName: unknown): unknown[] {
  if (typeof eventName !== 'string') return [eventName];
  const base = baseEventName(eventName);
  return base === eventName ? [eventName] : [eventName, base];
}

/**
 * The identifying values of a userIdentity only: its keys and session timestamps are the same in
 * every event and made up most of the index (measured: 295 of 390 indexed characters per event).
 */
function identityWords(userIdentity: unknown): unknown[] {
  if (!isObject(userIdentity)) return [];
  const session = isObject(userIdentity['sessionContext']) ? userIdentity['sessionContext'] : {};
  const issuer = isObject(session['sessionIssuer']) ? session['sessionIssuer'] : {};
  const onBehalfOf = isObject(userIdentity['onBehalfOf']) ? userIdentity['onBehalfOf'] : {};
  return [
    userIdentity['type'],
    userIdentity['arn'],
    userIdentity['principalId'],
    userIdentity['accountId'],
    userIdentity['accessKeyId'],
    userIdentity['userName'],
    userIdentity['invokedBy'],
    userIdentity['sourceIdentity'],
    userIdentity['credentialId'],
    issuer['arn'],
    issuer['userName'],
    onBehalfOf['userId'],
    session['sourceIdentity'],
  ];
}

/**
 * The other forms in which people name an identity (issue 14), beside the whole values `user:`
 * compares with: the part after `assumed-role/` (`Role/session`, as lists show it) and the session
 * name alone, a federated user's name, each `:`-separated part of the principal id, `root`, the
 * invoking service, and the type when nothing else names the caller. search/identity-filter.ts
 * checks the same forms in SQL; each gets a whole-value token so an exact `user:` is one lookup.
 */
export function identityForms(userIdentity: unknown): string[] {
  if (!isObject(userIdentity)) return [];
  const text = (key: string) =>
    typeof userIdentity[key] === 'string' && userIdentity[key] !== '' ? (userIdentity[key] as string) : null;
  const arn = text('arn');
  const forms: string[] = [];
  const assumed = arn?.indexOf(':assumed-role/') ?? -1;
  if (arn && assumed !== -1) {
    const roleSession = arn.slice(assumed + ':assumed-role/'.length);
    forms.push(roleSession);
    if (roleSession.includes('/')) forms.push(roleSession.slice(roleSession.indexOf('/') + 1));
  }
  const federated = arn?.indexOf(':federated-user/') ?? -1;
  if (arn && federated !== -1) forms.push(arn.slice(federated + ':federated-user/'.length));
  const principalId = text('principalId');
  if (principalId?.includes(':')) forms.push(...principalId.split(':').filter((part) => part !== ''));
  const type = text('type');
  if (type?.toLowerCase() === 'root') forms.push('root');
  const invokedBy = text('invokedBy');
  if (invokedBy) forms.push(invokedBy);
  if (type && !arn && !invokedBy && !text('userName')) forms.push(type);
  return forms;
}

function withTokens(words: string, values: readonly (string | null)[]): string {
  const tokens = valueTokens(values);
  return tokens === '' ? words : `${words} ${tokens}`;
}

function joinWords(values: unknown[]): string {
  return searchableForm(values.filter((value) => typeof value === 'string' && value !== '').join(' '));
}

/**
 * The scalar values of nested JSON, space separated. Keys are left out: they repeat in every event
 * of a kind and made a quarter of the indexed words; the values are what investigators look for.
 */
function flatten(values: unknown[]): string {
  const words: string[] = [];
  const budget = { chars: MAX_COLUMN_CHARS };
  for (const value of values) collectWords(value, words, budget, 0);
  return words.join(' ');
}

function collectWords(value: unknown, words: string[], budget: { chars: number }, depth: number): void {
  if (budget.chars <= 0 || value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    addWord(String(value), words, budget);
    return;
  }
  if (depth >= MAX_FLATTEN_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) collectWords(item, words, budget, depth + 1);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) collectWords(item, words, budget, depth + 1);
  }
}

function addWord(word: string, words: string[], budget: { chars: number }): void {
  if (word === '') return;
  const searchable = searchableForm(word);
  const kept = searchable.length > budget.chars ? searchable.slice(0, budget.chars) : searchable;
  words.push(kept);
  budget.chars -= kept.length + 1;
}
