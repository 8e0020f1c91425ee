/**
 * A small predicate tree over CloudTrail records as logged (field paths like `userIdentity.arn`),
 * independent of any engine: the search language is translated into it here, the hunt (Sigma)
 * compiler can build it directly, and render.ts writes it as SQL for each engine.
 */

/** A dotted path into a CloudTrail record, as CloudTrail spells it: `userIdentity.sessionContext.sessionIssuer.arn`. */
export type FieldPath = string;

/**
 * Case-insensitive comparisons of a field's text; `present` is "set and not empty"; `like` takes a
 * LIKE pattern (`%`, `_`, escaped with `\`), for patterns with literal `*` (Sigma).
 */
export type CompareOp = 'equals' | 'wildcard' | 'like' | 'contains' | 'startsWith' | 'endsWith' | 'regex' | 'present';

/** One node of the tree. Values are always data: renderers turn them into escaped literals. */
export type Predicate =
  | { readonly kind: 'all' }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Predicate[] }
  | { readonly kind: 'not'; readonly item: Predicate }
  /**
   * A field's text against a value. `stripVersion` compares the event name without its API
   * version suffix (`UpdateFunctionCode20150331v2` → `UpdateFunctionCode`), as `action:` does.
   * `wildcard` values use `*` for any run of characters.
   */
  | {
      readonly kind: 'compare';
      readonly path: FieldPath;
      readonly op: CompareOp;
      readonly value: string;
      readonly stripVersion?: boolean;
    }
  /** The first address of `sourceIPAddress`, as an IPv4 integer, within an inclusive range (a CIDR block). */
  | { readonly kind: 'ipv4Range'; readonly first: number; readonly last: number; readonly cidr: string }
  /** `eventTime` (ISO-8601 UTC seconds, as CloudTrail writes it) against a bound, inclusive. */
  | { readonly kind: 'time'; readonly op: 'atLeast' | 'atMost'; readonly iso: string }
  /** A boolean field (`readOnly`), logged as true/false or "true"/"false". */
  | { readonly kind: 'flag'; readonly path: FieldPath; readonly value: boolean }
  /**
   * Consecutive words, case-insensitive, in the JSON text of some fields (`scope`) or of the whole
   * record (`'record'`). `wordStart`/`wordEnd`: the first and last word must start and end on a word
   * boundary (false for a word cut by a wildcard, `deploy*`).
   */
  | {
      readonly kind: 'words';
      readonly scope: readonly FieldPath[] | 'record';
      readonly words: readonly string[];
      readonly wordStart: boolean;
      readonly wordEnd: boolean;
    };

export const all: Predicate = { kind: 'all' };

export function and(items: readonly Predicate[]): Predicate {
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

export function or(items: readonly Predicate[]): Predicate {
  return items.length === 1 ? items[0]! : { kind: 'or', items };
}

/** `*` alone means "any value"; a value with `*` is a pattern; anything else is an exact value. */
export function compareText(path: FieldPath, value: string, options: { stripVersion?: boolean } = {}): Predicate {
  if (value === '*') return { kind: 'compare', path, op: 'present', value: '' };
  return { kind: 'compare', path, op: value.includes('*') ? 'wildcard' : 'equals', value, ...options };
}

/**
 * The `since:` bounds that every match must satisfy, whatever else the tree says: the earliest
 * `atLeast` and latest `atMost` found through top-level ANDs only. Engines that partition by day
 * (Athena, Trino) skip the days outside.
 */
export function requiredTimeRange(predicate: Predicate): { since: string | null; until: string | null } {
  const conjuncts = predicate.kind === 'and' ? predicate.items.flatMap(flattenAnd) : [predicate];
  let since: string | null = null;
  let until: string | null = null;
  for (const item of conjuncts) {
    if (item.kind !== 'time') continue;
    if (item.op === 'atLeast' && (since === null || item.iso > since)) since = item.iso;
    if (item.op === 'atMost' && (until === null || item.iso < until)) until = item.iso;
  }
  return { since, until };
}

function flattenAnd(predicate: Predicate): Predicate[] {
  return predicate.kind === 'and' ? predicate.items.flatMap(flattenAnd) : [predicate];
}
