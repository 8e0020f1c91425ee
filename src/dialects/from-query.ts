import { ipv4ToInt } from '../normalize/event.js';
import { baseEventName } from '../normalize/event-name.js';
import { searchableForm } from '../normalize/search-text.js';
import { compileQuery, QueryError } from '../search/compile.js';
import { findField } from '../search/fields.js';
import { parseQuery } from '../search/parse.js';
import type { QueryNode } from '../search/parse.js';
import { BadValueError, parseBoolean, parseIpv4Cidr, parseTimeBound } from '../search/values.js';
import { all, and, compareText, or } from './predicate.js';
import type { FieldPath, Predicate } from './predicate.js';

/** The record fields `user:` looks in, in the order of search/fields.ts IDENTITY_COLUMNS. */
const IDENTITY_PATHS = [
  'userIdentity.arn',
  'userIdentity.userName',
  'userIdentity.principalId',
  'userIdentity.invokedBy',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.sessionIssuer.userName',
];

/** Where `resource:` looks: the fields behind the request, response and resources full-text columns. */
const RESOURCE_PATHS = [
  'requestParameters',
  'additionalEventData',
  'responseElements',
  'serviceEventDetails',
  'resources',
];

/** What the full-text index splits words on (search/fts.ts TOKEN). */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * A search-language query as a predicate tree, with the meaning trailhound's own search gives it.
 * The query is first compiled for SQLite, so it fails with the same caret errors as `search`;
 * `dialect` names the engine in the error for a field that has no translation.
 */
export function queryToPredicate(query: string, options: { now: Date; dialect: string }): Predicate {
  compileQuery(query, { now: options.now });
  return translate(parseQuery(query), query, options);
}

function translate(node: QueryNode, query: string, options: { now: Date; dialect: string }): Predicate {
  switch (node.kind) {
    case 'all':
      return all;
    case 'text':
      return textWords(node.value, 'record');
    case 'not':
      return { kind: 'not', item: translate(node.item, query, options) };
    case 'and':
      return and(node.items.map((item) => translate(item, query, options)));
    case 'or':
      return or(node.items.map((item) => translate(item, query, options)));
    case 'field': {
      const name = findField(node.field)!.name;
      const field = FIELD_PREDICATES[name];
      if (!field)
        throw new QueryError(
          query,
          `"${node.field}:" has no translation for --dialect ${options.dialect}`,
          node.at,
          node.field.length + 1,
          'use trailhound search on an index, or --dialect sqlite',
        );
      return field(node.value, options.now);
    }
  }
}

const FIELD_PREDICATES: Record<string, (value: string, now: Date) => Predicate> = {
  action: (value) =>
    compareText('eventName', value.includes('*') ? value : baseEventName(value), { stripVersion: true }),
  source: (value) =>
    compareText('eventSource', value.includes('.') || value.includes('*') ? value : `${value}.amazonaws.com`),
  user: userPredicate,
  type: (value) => compareText('userIdentity.type', value),
  key: (value) => compareText('userIdentity.accessKeyId', value),
  ip: ipPredicate,
  region: (value) => compareText('awsRegion', value),
  account: (value) => or(['recipientAccountId', 'userIdentity.accountId'].map((path) => compareText(path, value))),
  resource: (value) => and(wildcardSegments(value, RESOURCE_PATHS)),
  error: (value) => compareText('errorCode', value),
  readonly: (value) => ({ kind: 'flag', path: 'readOnly', value: parseBoolean(value) === 1 }),
  id: (value) => or(['eventID', 'requestID', 'sharedEventID'].map((path) => compareText(path, value))),
  since: (value, now) => ({ kind: 'time', op: 'atLeast', iso: parseTimeBound(value, 'since', now) }),
  until: (value, now) => ({ kind: 'time', op: 'atMost', iso: parseTimeBound(value, 'until', now) }),
};

/**
 * `user:` as search/identity-filter.ts reads it: the identity columns whole, and the forms cut from
 * them (`Role/session`, the session name, a federated user's name, each `:` part of the principal
 * id, `root`). The type of a caller nothing else names (`AWSAccount`) has no translation.
 */
function userPredicate(value: string): Predicate {
  if (value === '*') return or(IDENTITY_PATHS.map((path) => compareText(path, value)));
  const derived = [
    compareText('userIdentity.arn', `*:assumed-role/${value}`),
    compareText('userIdentity.arn', `*:assumed-role/*/${value}`),
    compareText('userIdentity.arn', `*:federated-user/${value}`),
    compareText('userIdentity.principalId', `${value}:*`),
    compareText('userIdentity.principalId', `*:${value}`),
    compareText('userIdentity.principalId', `*:${value}:*`),
  ];
  const root = wildcardMatches(value, 'root') ? [compareText('userIdentity.type', 'Root')] : [];
  return or([...IDENTITY_PATHS.map((path) => compareText(path, value)), ...derived, ...root]);
}

/** Whether a `*` pattern of the search language matches `text`, ignoring ASCII case. */
function wildcardMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(text);
}

function ipPredicate(value: string): Predicate {
  if (value.includes('/')) {
    const { first, last } = parseIpv4Cidr(value);
    return { kind: 'ipv4Range', first, last, cidr: `${intToIpv4(first)}/${32 - Math.log2(last - first + 1)}` };
  }
  const ipv4 = ipv4ToInt(value);
  if (ipv4 !== null) return { kind: 'ipv4Range', first: ipv4, last: ipv4, cidr: `${value}/32` };
  return compareText('sourceIPAddress', value);
}

function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** Free text as the full-text index reads it: its words, in order, the last a prefix when it ends in `*`. */
function textWords(value: string, scope: readonly FieldPath[] | 'record'): Predicate {
  const words = searchableForm(value).match(WORD);
  if (!words) throw new BadValueError(`"${value}" has no letters or digits to search for`);
  return { kind: 'words', scope, words, wordStart: true, wordEnd: !value.endsWith('*') };
}

/** `my-*-bucket`: each run of words between wildcards, a word cut by a `*` matched as part of a word. */
function wildcardSegments(value: string, scope: readonly FieldPath[]): Predicate[] {
  const segments = searchableForm(value).split('*');
  const parts = segments.flatMap((segment, index): Predicate[] => {
    const words = segment.match(WORD);
    if (!words) return [];
    const wordStart = index === 0 || !/^[\p{L}\p{N}\p{M}]/u.test(segment);
    const wordEnd = index === segments.length - 1 || !/[\p{L}\p{N}\p{M}]$/u.test(segment);
    return [{ kind: 'words', scope, words, wordStart, wordEnd }];
  });
  if (parts.length === 0) throw new BadValueError(`"${value}" needs at least one whole word besides wildcards`);
  return parts;
}
