import { ExitCode, UserError } from '../errors.js';
import { fieldNames, findField, ftsMatch } from './fields.js';
import type { FieldContext, SqlPart } from './fields.js';
import { freeTextExpression } from './fts.js';
import { parseQuery, QuerySyntaxError } from './parse.js';
import type { QueryNode } from './parse.js';
import { BadValueError, editDistance } from './values.js';

/** A query the user can fix: the message, and where in the query the offending token starts. */
export class QueryError extends UserError {
  constructor(
    readonly query: string,
    readonly detail: string,
    readonly at: number,
    readonly length: number,
    help?: string,
  ) {
    super('bad query', detail, ExitCode.usage, help ?? 'see trailhound search --help for the language', `${query}\n${' '.repeat(at)}${'^'.repeat(Math.max(1, length))}`);
  }
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
}

export function compileQuery(query: string, options: { now?: Date } = {}): CompiledQuery {
  const now = options.now ?? new Date();
  let tree: QueryNode;
  try {
    tree = parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new QueryError(query, error.reason, error.at, error.length);
    throw error;
  }
  // compileNode first: it reports a bad word with its position, before textOnlyExpression sees it.
  return { query, where: compileNode(tree, query, { now, narrow: true }), rowWhere: compileNode(tree, query, { now, narrow: false }), textOnly: textOnlyExpression(tree) };
}

type TextNode = Extract<QueryNode, { kind: 'text' }>;

function textOnlyExpression(tree: QueryNode): string | null {
  const items = tree.kind === 'and' ? tree.items : [tree];
  if (!items.every((item): item is TextNode => item.kind === 'text')) return null;
  return items.map((item) => freeTextExpression(item.value)).join(' AND ');
}

function compileNode(node: QueryNode, query: string, context: FieldContext): SqlPart {
  switch (node.kind) {
    case 'all':
      return { sql: '1', params: [] };
    case 'text':
      return withPosition(query, node.at, node.value.length, () => ftsMatch(freeTextExpression(node.value)));
    case 'field':
      return compileField(node, query, context);
    case 'not': {
      const inner = compileNode(node.item, query, context);
      // NULL-safe: "-error:*" must keep rows whose error_code is NULL, which NOT (NULL …) would drop.
      return { sql: `NOT coalesce((${inner.sql}), 0)`, params: inner.params };
    }
    case 'and':
    case 'or': {
      const parts = node.items.map((item) => compileNode(item, query, context));
      return { sql: `(${parts.map((p) => p.sql).join(node.kind === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
  }
}

function compileField(node: Extract<QueryNode, { kind: 'field' }>, query: string, context: FieldContext): SqlPart {
  const field = findField(node.field);
  if (!field) {
    const suggestion = closestField(node.field);
    throw new QueryError(query, `unknown field "${node.field}:"${suggestion ? `; did you mean "${suggestion}:"?` : ''}`, node.at, node.field.length + 1, `fields: ${fieldNames().join(', ')}`);
  }
  return withPosition(query, node.at, node.field.length + 1 + node.value.length, () => field.compile(node.value, context));
}

function withPosition(query: string, at: number, length: number, compile: () => SqlPart): SqlPart {
  try {
    return compile();
  } catch (error) {
    if (error instanceof BadValueError) throw new QueryError(query, error.message, at, length);
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
