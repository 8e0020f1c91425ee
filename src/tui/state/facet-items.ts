import type { FacetCounts, FacetName } from '../../search/engine.js';
import { addTerm, fieldTerm } from './query-text.js';

/** One value of one facet, as the facets pane lists it. */
export interface FacetItem {
  readonly facet: FacetName;
  readonly value: string | null;
  readonly count: number;
}

/** The pane's order and headings: what an investigator narrows by first. */
export const FACET_HEADINGS: readonly (readonly [FacetName, string])[] = [
  ['action', 'actions'],
  ['identity', 'identities'],
  ['source_ip', 'source IPs'],
  ['region', 'regions'],
  ['error', 'error codes'],
  ['account', 'accounts'],
];

export function facetItems(counts: FacetCounts): FacetItem[] {
  return FACET_HEADINGS.flatMap(([facet]) => counts.facets[facet].map(({ value, count }) => ({ facet, value, count })));
}

const IDENTITY_TYPES = new Set([
  'root',
  'iamuser',
  'assumedrole',
  'federateduser',
  'awsaccount',
  'awsservice',
  'identitycenteruser',
  'directory',
  'samluser',
  'webidentityuser',
  'unknown',
]);

/**
 * The search term that keeps (or, negated, drops) the events with this facet value, or null when
 * the value cannot be expressed. Facet values come from `engine.ts` FACETS: identity is the event's
 * identity (search/event-identity.ts), which `user:` finds as a whole value whether it is an ARN,
 * a calling service or a user name, and `type:` when it is a type; error is `(none)` for successes.
 */
export function facetTerm(item: FacetItem, negate: boolean): string | null {
  const { facet, value } = item;
  if (facet === 'error' && value === '(none)') return negate ? 'error:*' : '-error:*';
  const field = {
    action: 'action',
    source_ip: 'ip',
    region: 'region',
    account: 'account',
    error: 'error',
    identity: 'user',
  }[facet];
  if (value === null || value === '') return facet === 'identity' ? null : negate ? `${field}:*` : `-${field}:*`;
  if (facet === 'identity' && IDENTITY_TYPES.has(value.toLowerCase())) return fieldTerm('type', value, negate);
  return fieldTerm(field, value, negate);
}

/** The query narrowed by a facet value, or null when that value cannot be a filter. */
export function queryWithFacet(query: string, item: FacetItem, negate: boolean): string | null {
  const term = facetTerm(item, negate);
  return term === null ? null : addTerm(query, term);
}
