/**
 * The compiled form of a Sigma rule, independent of any SQL dialect: a tree of field/op/value
 * predicates. `sqlite.ts` renders it for trailhound's index; another dialect can render the same tree.
 *
 * Value semantics (shared by every renderer and by the tests' evaluator): a field's value is the
 * record's value at a CloudTrail path; a non-empty string is itself, a number or boolean its text
 * (`true`), an object or array its JSON text; null, "" and absent mean "no value". String matching
 * folds ASCII case only, as SQLite's NOCASE and LIKE do.
 */

/** A CloudTrail field: the path of keys into the record (`userIdentity.arn` → ['userIdentity', 'arn']). */
export interface FieldPath {
  readonly name: string;
  readonly keys: readonly string[];
}

/** One piece of a Sigma string value: literal text, `*` (any run of characters) or `?` (one character). */
export type PatternPart =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'any' } | { readonly kind: 'one' };

/** A case-insensitive whole-value pattern; `contains` etc. are expressed by leading and trailing `any`. */
export type Pattern = readonly PatternPart[];

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte';

export type Predicate =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'match'; readonly field: FieldPath; readonly pattern: Pattern }
  | { readonly kind: 'regex'; readonly field: FieldPath; readonly source: string; readonly flags: string }
  | { readonly kind: 'cidr'; readonly field: FieldPath; readonly first: number; readonly last: number }
  | { readonly kind: 'exists'; readonly field: FieldPath }
  | { readonly kind: 'compare'; readonly field: FieldPath; readonly op: CompareOp; readonly value: number }
  /**
   * Both fields have a value and the values are equal (ASCII case folded), or `pattern` built around the other field's
   * value.
   */
  | {
      readonly kind: 'fieldref';
      readonly field: FieldPath;
      readonly other: FieldPath;
      readonly around: 'equals' | 'contains' | 'startswith' | 'endswith';
    }
  /** A keyword: any string anywhere in the record matches the pattern. */
  | { readonly kind: 'keyword'; readonly pattern: Pattern }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Predicate[] }
  | { readonly kind: 'not'; readonly item: Predicate }
  /** At least `count` of the items hold (`2 of selection_*`). */
  | { readonly kind: 'atLeast'; readonly count: number; readonly items: readonly Predicate[] };

/**
 * `| count() by field > N` with a `timeframe`: events whose group reached more than N matches within the window ending
 * at them.
 */
export interface Aggregation {
  readonly groupBy: FieldPath | null;
  readonly op: CompareOp;
  readonly threshold: number;
  readonly windowSeconds: number;
}

export function fieldPath(name: string): FieldPath {
  return { name, keys: name.split('.') };
}

export function literal(text: string): Pattern {
  return [{ kind: 'text', text }];
}

export function hasWildcards(pattern: Pattern): boolean {
  return pattern.some((part) => part.kind !== 'text');
}

/** The pattern's text when it has no wildcards. */
export function literalText(pattern: Pattern): string {
  return pattern.map((part) => (part.kind === 'text' ? part.text : '')).join('');
}
