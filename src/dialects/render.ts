import { UserError, ExitCode } from '../errors.js';
import { escapeLike, wildcardToLike } from './literals.js';
import type { CompareOp, FieldPath, Predicate } from './predicate.js';

export const DIALECTS = ['sqlite', 'duckdb', 'athena', 'trino', 'clickhouse'] as const;
export type DialectName = (typeof DIALECTS)[number];

/** How one engine spells the pieces a predicate needs; render.ts composes them. */
export interface DialectSyntax {
  readonly name: DialectName;
  /** A string literal holding `value`, whatever it contains. */
  quote(value: string): string;
  /** The text of a field, NULL or empty when absent. Throws a DialectError for a path the engine cannot reach. */
  text(path: FieldPath): string;
  /** The JSON text of a field (an object, array or scalar), NULL or empty when absent. */
  json(path: FieldPath): string;
  /** The JSON text of the whole record. */
  readonly recordText: string;
  /** The field's text, lower-cased, for `true`/`false` tests. */
  flagText(path: FieldPath): string;
  /** `expr` is in the IPv4 block; `first`/`last` are its integer bounds, `cidr` the same block as text. */
  ipv4InRange(first: number, last: number, cidr: string): string;
  /** Case-insensitive LIKE with `\` as the escape character; `pattern` is already a LIKE pattern. */
  likeInsensitive(expr: string, pattern: string): string;
  /** A regular expression match (RE2 or Java syntax, both understand what render.ts writes). */
  regexMatch(expr: string, regex: string): string;
  /** The event name without its API version suffix. */
  withoutVersion(expr: string): string;
  /** The event time as text, ISO-8601 UTC seconds. */
  readonly eventTime: string;
}

/** A construct one engine cannot express: the message names the dialect and the construct. */
export class DialectError extends UserError {
  constructor(dialect: DialectName, construct: string, help: string) {
    super({ what: `cannot write this for --dialect ${dialect}`, reason: construct, help, exitCode: ExitCode.usage });
  }
}

/** A non-word character, for word boundaries that behave the same in RE2 and Java regular expressions. */
const NON_WORD = '[^\\p{L}\\p{N}\\p{M}]';

/** The predicate as a boolean SQL expression for the dialect. */
export function renderPredicate(predicate: Predicate, syntax: DialectSyntax): string {
  switch (predicate.kind) {
    case 'all':
      return 'TRUE';
    case 'and':
    case 'or': {
      const connective = predicate.kind === 'and' ? ' AND ' : ' OR ';
      return `(${predicate.items.map((item) => renderPredicate(item, syntax)).join(connective)})`;
    }
    case 'not':
      // NULL-safe, as compile.ts: "-error:*" keeps the events that have no error code.
      return `NOT coalesce(${renderPredicate(predicate.item, syntax)}, FALSE)`;
    case 'compare':
      return renderCompare(
        predicate.op,
        predicate.stripVersion ? syntax.withoutVersion(syntax.text(predicate.path)) : syntax.text(predicate.path),
        predicate.value,
        syntax,
      );
    case 'ipv4Range':
      return syntax.ipv4InRange(predicate.first, predicate.last, predicate.cidr);
    case 'time':
      return `${syntax.eventTime} ${predicate.op === 'atLeast' ? '>=' : '<='} ${syntax.quote(predicate.iso)}`;
    case 'flag':
      return `${syntax.flagText(predicate.path)} = ${syntax.quote(predicate.value ? 'true' : 'false')}`;
    case 'words': {
      const text =
        predicate.scope === 'record'
          ? syntax.recordText
          : concatenated(predicate.scope.map((path) => syntax.json(path)));
      return syntax.regexMatch(text, wordsRegex(predicate.words, predicate.wordStart, predicate.wordEnd));
    }
  }
}

function renderCompare(op: CompareOp, expr: string, value: string, syntax: DialectSyntax): string {
  switch (op) {
    case 'present':
      return `coalesce(${expr}, '') <> ''`;
    case 'equals':
      return `lower(${expr}) = ${syntax.quote(value.toLowerCase())}`;
    case 'wildcard':
      return syntax.likeInsensitive(expr, wildcardToLike(value));
    case 'like':
      return syntax.likeInsensitive(expr, value);
    case 'contains':
      return syntax.likeInsensitive(expr, `%${escapeLike(value)}%`);
    case 'startsWith':
      return syntax.likeInsensitive(expr, `${escapeLike(value)}%`);
    case 'endsWith':
      return syntax.likeInsensitive(expr, `%${escapeLike(value)}`);
    case 'regex':
      return syntax.regexMatch(expr, value);
  }
}

function concatenated(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `concat_ws(' ', ${parts.join(', ')})`;
}

/** Case-insensitive; words are letters, digits and marks only (from-query.ts), so none needs escaping. */
function wordsRegex(words: readonly string[], wordStart: boolean, wordEnd: boolean): string {
  return `(?i)${wordStart ? `(^|${NON_WORD})` : ''}${words.join(`${NON_WORD}+`)}${wordEnd ? `(${NON_WORD}|$)` : ''}`;
}

/** A path as CloudTrail spells it; segments are plain names (a `-` is quoted by the JSON-path writers). */
export function pathSegments(path: FieldPath, dialect: DialectName): string[] {
  const segments = path.split('.');
  if (!segments.every((segment) => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment))) {
    throw new DialectError(
      dialect,
      `field "${path}" is not a plain dotted path`,
      'field names are letters, digits, _ and - separated by dots: requestParameters.bucketName',
    );
  }
  return segments;
}
