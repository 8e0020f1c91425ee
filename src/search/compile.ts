import { ExitCode, UserError } from '../errors.js';
import { fieldNames, findField, ftsMatch } from './fields.js';
import type { FieldContext, SqlPart } from './fields.js';
import { freeTextExpression } from './fts.js';
import { lowerCaseOperatorHints, parseQuery, QuerySyntaxError } from './parse.js';
import type { OperatorHint, QueryNode } from './parse.js';
import { BadValueError, editDistance } from './values.js';

/** A query the user can fix: the message, and where in the query the offending token starts. */
export class QueryError extends UserError {
  constructor(
    readonly query: string,
    readonly detail: string,
    readonly at: number,
    readonly length: number,
    help: string,
  ) {
    super({ what: 'bad query', reason: detail, where: caretLine(query, at, length), help, exitCode: ExitCode.usage });
  }
}

/** Characters of the query shown either side of a caret: a pasted query can be 100,000 long. */
const CARET_CONTEXT = 60;

/** The query with a caret line under the token; a long query is cut to the part around it. */
function caretLine(query: string, at: number, length: number): string {
  const start = Math.max(0, at - CARET_CONTEXT);
  const end = Math.min(query.length, at + Math.max(1, length) + CARET_CONTEXT);
  const head = start > 0 ? '…' : '';
  const shown = `${head}${query.slice(start, end)}${end < query.length ? '…' : ''}`;
  const caretLength = Math.max(1, Math.min(length, end - at));
  return `${shown}\n${' '.repeat(head.length + at - start)}${'^'.repeat(caretLength)}`;
}

/**
 * A search, compiled: the WHERE clause over `events e` and its bound values, in two equivalent
 * forms: `where` finds few matches fast through indexes, `rowWhere` tests one row cheaply.
 */
export interface CompiledQuery {
  readonly query: string;
  readonly where: SqlPart;
  readonly rowWhere: SqlPart;
  /**
   * When the query is only free text (one or more words or phrases, all required), the one
   * events_fts expression that answers it: the engine can then count and test rows through the
   * full-text index alone. What a user types first, a word, is such a query.
   */
  readonly textOnly: string | null;
  /** Lower-case `and`/`or`/`not` searched as words between terms: the caller says so (stderr, status line). */
  readonly hints: readonly OperatorHint[];
}

export function compileQuery(query: string, options: { now?: Date } = {}): CompiledQuery {
  const now = options.now ?? new Date();
  let tree: QueryNode;
  try {
    tree = parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError)
      throw new QueryError(query, error.reason, error.at, error.length, error.help);
    throw error;
  }
  // compileNode first: it reports a bad word with its position, before textOnlyExpression sees it.
  return {
    query,
    where: compileNode(tree, query, { now, narrow: true, budget: newBudget() }),
    rowWhere: compileNode(tree, query, { now, narrow: false, budget: newBudget() }),
    textOnly: textOnlyExpression(tree),
    hints: lowerCaseOperatorHints(query),
  };
}

type TextNode = Extract<QueryNode, { kind: 'text' }>;

function textOnlyExpression(tree: QueryNode): string | null {
  const items = tree.kind === 'and' ? tree.items : [tree];
  if (!items.every((item): item is TextNode => item.kind === 'text' && !looksLikeEventId(item.value))) return null;
  return items.map((item) => freeTextExpression(item.value)).join(' AND ');
}

/**
 * CloudTrail eventIDs are GUIDs. The full-text index holds none (a unique token per event would
 * cost more than every other identifier), so free text of that shape is also looked up as an eventID.
 */
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function looksLikeEventId(value: string): boolean {
  return EVENT_ID.test(value);
}

/**
 * Limits on what one query may hold (issue 14), found by pasting: 15,000 words made each full-text
 * lookup take 1.6 s (FTS5 parses a long expression in quadratic time), and every comparison of a
 * filter is made per event tested: a hundred ORed `user:x*` values (14 comparisons each) took 6 s a
 * statement on 9,000 events. Values of one field ORed together (an IoC list) are one set and count once.
 */
export const MAX_WORDS = 5_000;
export const MAX_COMPARISONS = 500;

interface Budget {
  words: number;
  comparisons: number;
}

const newBudget = (): Budget => ({ words: 0, comparisons: 0 });

type CompileContext = FieldContext & { readonly budget: Budget };

function spend(context: CompileContext, query: string, at: number, kind: 'words' | 'comparisons', amount = 1): void {
  const budget = context.budget;
  budget[kind] += amount;
  if (kind === 'words' && budget.words > MAX_WORDS) {
    const maxWords = MAX_WORDS.toLocaleString('en-US');
    throw new QueryError(
      query,
      `the query holds more than ${maxWords} words of free text (the limit is ${maxWords})`,
      at,
      1,
      'search for the few words that matter, or use field filters (user:, ip:, key:, action: …)',
    );
  }
  if (kind === 'comparisons' && budget.comparisons > MAX_COMPARISONS) {
    const userWildcardCost = 'a user: value with * counts 14, as it compares every form of an identity';
    throw new QueryError(
      query,
      `the query makes more than ${MAX_COMPARISONS} comparisons per event (the limit is ${MAX_COMPARISONS})`,
      at,
      1,
      `values of one field ORed together count once (ip:a OR ip:b OR …); ${userWildcardCost}`,
    );
  }
}

function compileNode(node: QueryNode, query: string, context: CompileContext): SqlPart {
  switch (node.kind) {
    case 'all':
      return { sql: '1', params: [] };
    case 'text':
      spend(context, query, node.at, 'words');
      return compileText(node, query);
    case 'field':
      return compileField(node, query, context);
    case 'not': {
      const inner = compileNode(node.item, query, context);
      // NULL-safe: "-error:*" must keep rows whose error_code is NULL, which NOT (NULL …) would drop.
      return { sql: `NOT coalesce((${inner.sql}), 0)`, params: inner.params };
    }
    case 'and':
    case 'or': {
      const { texts, sets, rest } = groupItems(node.items, node.kind);
      for (const text of texts) spend(context, query, text.at, 'words');
      const parts = [
        ...(texts.length > 0 ? [compileTexts(texts, node.kind, query)] : []),
        ...sets.map((set) => compileSet(set, query, context)),
        ...rest.map((item) => compileNode(item, query, context)),
      ];
      return parts.length === 1 ? parts[0]! : joinBalanced(parts, node.kind === 'and' ? ' AND ' : ' OR ');
    }
  }
}

function compileSet(set: FieldSet, query: string, context: CompileContext): SqlPart {
  spend(context, query, set.at, 'comparisons');
  const inSet = set.field.compileSet!(set.values, context)!;
  return set.negated ? { sql: `NOT coalesce((${inSet.sql}), 0)`, params: inSet.params } : inSet;
}

function compileText(node: TextNode, query: string): SqlPart {
  const text = withPosition(query, node.at, node.value.length, () => ftsMatch(freeTextExpression(node.value)));
  if (!looksLikeEventId(node.value)) return text;
  return {
    sql: `(${text.sql} OR e.event_id IN (?, ?))`,
    params: [...text.params, node.value, node.value.toLowerCase()],
  };
}

/**
 * Words of one AND or OR, as one full-text expression: one lookup instead of one per word, and a
 * pasted text of 15,000 words stays one subquery rather than 15,000.
 */
function compileTexts(texts: readonly TextNode[], kind: 'and' | 'or', query: string): SqlPart {
  if (texts.length === 1) return compileText(texts[0]!, query);
  const expressions = texts.map((text) =>
    withPosition(query, text.at, text.value.length, () => freeTextExpression(text.value)),
  );
  return ftsMatch(expressions.join(kind === 'and' ? ' AND ' : ' OR '));
}

type FieldSpec = NonNullable<ReturnType<typeof findField>>;
/** Exact values of one field tested as one set: ORed values, or (negated) values each excluded by an AND. */
type FieldSet = {
  readonly field: FieldSpec;
  readonly values: string[];
  readonly negated: boolean;
  readonly at: number;
};

/**
 * An AND's or OR's items, nested ones of the same kind flattened in: plain words (one full-text
 * expression), exact values of one field to test as a set (`a OR b`, or `-a -b` under an AND),
 * and the rest.
 */
function groupItems(
  items: readonly QueryNode[],
  kind: 'and' | 'or',
): { texts: TextNode[]; sets: FieldSet[]; rest: QueryNode[] } {
  const texts: TextNode[] = [];
  const groups = new Map<string, { set: FieldSet; nodes: QueryNode[] }>();
  const rest: QueryNode[] = [];
  for (const item of flattened(items, kind)) {
    if (item.kind === 'text' && !looksLikeEventId(item.value)) {
      texts.push(item);
      continue;
    }
    const negated = kind === 'and' && item.kind === 'not';
    const leaf = negated ? item.item : item;
    const field =
      leaf.kind === 'field' && (kind === 'or' || negated) && !leaf.value.includes('*')
        ? findField(leaf.field)
        : undefined;
    if (leaf.kind !== 'field' || !field?.compileSet) {
      rest.push(item);
      continue;
    }
    const key = `${negated ? '-' : ''}${field.name}`;
    const group = groups.get(key) ?? { set: { field, values: [], negated, at: leaf.at }, nodes: [] };
    group.set.values.push(leaf.value);
    group.nodes.push(item);
    groups.set(key, group);
  }
  const sets: FieldSet[] = [];
  for (const { set, nodes } of groups.values()) {
    if (nodes.length > 1 && set.field.compileSet!(set.values, { now: new Date(0), narrow: false }) !== null)
      sets.push(set);
    else rest.push(...nodes);
  }
  return { texts, sets, rest };
}

/** `(a OR b) OR c` is `a OR b OR c`: pasted lists often come wrapped in parentheses per line. */
function flattened(items: readonly QueryNode[], kind: 'and' | 'or'): QueryNode[] {
  const out: QueryNode[] = [];
  const pending = [...items].reverse();
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (item.kind === kind) pending.push(...[...item.items].reverse());
    else out.push(item);
  }
  return out;
}

/**
 * Parts joined in a balanced tree of parentheses: SQLite refuses an expression tree deeper than
 * 1,000, which a flat chain of a few hundred ORs already was.
 */
function joinBalanced(parts: readonly SqlPart[], operator: ' AND ' | ' OR '): SqlPart {
  if (parts.length <= BRANCHING)
    return { sql: `(${parts.map((p) => p.sql).join(operator)})`, params: parts.flatMap((p) => p.params) };
  const size = Math.ceil(parts.length / BRANCHING);
  const groups: SqlPart[] = [];
  for (let start = 0; start < parts.length; start += size)
    groups.push(joinBalanced(parts.slice(start, start + size), operator));
  return joinBalanced(groups, operator);
}

/** Items per level of a balanced AND or OR: SQLite's parser nests a chain of n items n deep. */
const BRANCHING = 16;

function compileField(node: Extract<QueryNode, { kind: 'field' }>, query: string, context: CompileContext): SqlPart {
  const field = findField(node.field);
  if (!field) {
    const suggestion = closestField(node.field);
    throw new QueryError(
      query,
      `unknown field "${node.field}:"${suggestion ? `; did you mean "${suggestion}:"?` : ''}`,
      node.at,
      node.field.length + 1,
      `fields: ${fieldNames().join(', ')}`,
    );
  }
  const compiled = withPosition(query, node.at, node.field.length + 1 + node.value.length, () =>
    field.compile(node.value, context),
  );
  // Counted on the row test (narrow: false), whose comparisons are what each tested event costs.
  spend(context, query, node.at, 'comparisons', context.narrow ? 0 : Math.max(1, compiled.params.length));
  return compiled;
}

function withPosition<T>(query: string, at: number, length: number, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (error instanceof BadValueError)
      throw new QueryError(
        query,
        error.message,
        at,
        length,
        'fix the value at the caret; trailhound search --help shows each field with an example',
      );
    throw error;
  }
}

function closestField(name: string): string | null {
  const ranked = fieldNames()
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate) }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  return best && best.distance <= Math.max(2, Math.floor(name.length / 2)) ? best.candidate : null;
}
