import type { Aggregation, CompareOp, Predicate } from './predicate.js';
import { fieldPath } from './predicate.js';

/** A rule that cannot be evaluated as written: why, said to the user beside the rule's file and line. */
export class RuleError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | null = null,
  ) {
    super(reason);
  }
}

/** A Sigma condition, parsed: selections by name, `1 of`/`all of`/`N of` over names or `them`, and/or/not. */
export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'of'; readonly quantifier: 'all' | number; readonly pattern: string }
  | { readonly kind: 'and' | 'or'; readonly items: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly item: ConditionNode };

export interface ParsedCondition {
  readonly tree: ConditionNode;
  readonly aggregation: Aggregation | null;
}

/**
 * Parses `selection and not 1 of filter_*` (precedence: not, and, or), and the one aggregation
 * trailhound evaluates: `| count() [by FIELD] OP N`, which needs the rule's `timeframe`.
 */
export function parseCondition(text: string, timeframeSeconds: number | null): ParsedCondition {
  const [expression, aggregationText, ...extra] = text.split('|');
  if (extra.length > 0) throw new RuleError(`condition "${text}" has more than one "|"`);
  const tokens = tokenize(expression!);
  let at = 0;
  const peek = () => tokens[at]?.toLowerCase();
  const fail = (what: string): never => {
    throw new RuleError(`condition "${text.trim()}": ${what}`);
  };
  const parseOr = (): ConditionNode => {
    const items = [parseAnd()];
    while (peek() === 'or') {
      at += 1;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): ConditionNode => {
    const items = [parseNot()];
    while (peek() === 'and') {
      at += 1;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseNot = (): ConditionNode => {
    if (peek() !== 'not') return parseAtom();
    at += 1;
    return { kind: 'not', item: parseNot() };
  };
  const parseAtom = (): ConditionNode => {
    const token = tokens[at];
    if (token === undefined) return fail('ends early');
    at += 1;
    if (token === '(') {
      const inner = parseOr();
      if (tokens[at] !== ')') fail('a "(" is not closed');
      at += 1;
      return inner;
    }
    if (/^(all|\d+)$/i.test(token) && peek() === 'of') {
      at += 1;
      const pattern = tokens[at];
      if (pattern === undefined || ['(', ')', 'and', 'or', 'not'].includes(pattern.toLowerCase()))
        return fail(`"${token} of" needs a selection name, a name with *, or "them"`);
      at += 1;
      const quantifier = token.toLowerCase() === 'all' ? 'all' : Number(token);
      if (quantifier === 0) fail('"0 of" is not a condition');
      return { kind: 'of', quantifier, pattern };
    }
    if (['(', ')', 'and', 'or', 'not', 'of'].includes(token.toLowerCase())) return fail(`unexpected "${token}"`);
    return { kind: 'ref', name: token };
  };
  const tree = parseOr();
  if (at < tokens.length) fail(`unexpected "${tokens[at]}"`);
  return {
    tree,
    aggregation: aggregationText === undefined ? null : parseAggregation(aggregationText, timeframeSeconds),
  };
}

function tokenize(expression: string): string[] {
  return expression.match(/\(|\)|[^\s()]+/g) ?? [];
}

const COMPARE: Record<string, CompareOp> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };

function parseAggregation(text: string, timeframeSeconds: number | null): Aggregation {
  const match = /^\s*count\(\s*\)\s*(?:by\s+([A-Za-z0-9_.@-]+)\s*)?(>=|<=|>|<)\s*(\d+)\s*$/i.exec(text);
  if (!match)
    throw new RuleError(
      `aggregation "${text.trim()}" is not supported (only count() [by FIELD] > N, with a timeframe)`,
    );
  if (timeframeSeconds === null) throw new RuleError(`aggregation "${text.trim()}" needs a timeframe`);
  return {
    groupBy: match[1] ? fieldPath(match[1]) : null,
    op: COMPARE[match[2]!]!,
    threshold: Number(match[3]),
    windowSeconds: timeframeSeconds,
  };
}

/** Sigma timeframes: 30s, 15m, 1h, 2d. */
export function parseTimeframe(value: unknown): number {
  const match = /^(\d+)([smhd])$/.exec(String(value).trim());
  if (!match) throw new RuleError(`timeframe "${String(value)}" is not a span such as 15m or 1h`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** The condition with each selection name replaced by its compiled predicate. */
export function resolveCondition(tree: ConditionNode, selections: ReadonlyMap<string, Predicate>): Predicate {
  switch (tree.kind) {
    case 'ref': {
      const selection = selections.get(tree.name);
      if (!selection) throw new RuleError(`the condition names "${tree.name}", which the detection does not define`);
      return selection;
    }
    case 'of': {
      const items = namesMatching(tree.pattern, selections).map((name) => selections.get(name)!);
      if (items.length === 0) throw new RuleError(`"${tree.pattern}" in the condition matches no selection`);
      if (tree.quantifier === 'all') return items.length === 1 ? items[0]! : { kind: 'and', items };
      if (tree.quantifier === 1) return items.length === 1 ? items[0]! : { kind: 'or', items };
      return { kind: 'atLeast', count: tree.quantifier, items };
    }
    case 'not':
      return { kind: 'not', item: resolveCondition(tree.item, selections) };
    case 'and':
    case 'or':
      return { kind: tree.kind, items: tree.items.map((item) => resolveCondition(item, selections)) };
  }
}

/** `them` is every selection not starting with `_` (Sigma's convention for helpers); `x*` a glob. */
function namesMatching(pattern: string, selections: ReadonlyMap<string, Predicate>): string[] {
  const names = [...selections.keys()];
  if (pattern.toLowerCase() === 'them') return names.filter((name) => !name.startsWith('_'));
  const glob = new RegExp(
    `^${pattern
      .split('*')
      .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return names.filter((name) => glob.test(name));
}
