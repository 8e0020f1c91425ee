import { loadRules, shippedRulesDir } from '../hunt/load.js';
import type { HuntRule, Level } from '../hunt/rule.js';
import { levelRank } from '../hunt/run.js';
import { ruleWhere } from '../hunt/sqlite.js';
import { QueryError } from '../search/compile.js';
import type { CompiledQuery } from '../search/compile.js';
import { firstValue } from '../search/read-statement.js';
import type { SqliteDatabase } from '../store/db.js';
import { splitRuleScope } from './rule-scope.js';

/** A rule as the UI names it: every text is the rule author's, escaped where it is drawn. */
export interface RuleLabel {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  readonly author: string | null;
}

/** One line of the detections view: a rule and how many of the current results it matches. */
export interface RuleCount extends RuleLabel {
  readonly count: number;
}

export interface DetectionsView {
  /** Rules matching at least one event, highest level first, then most events. */
  readonly rules: readonly RuleCount[];
  /** Rules run, matching or not. */
  readonly ran: number;
}

/**
 * The rules the UI runs: those that ship with trailhound (as `trailhound hunt` with no argument), read once per thread.
 */
export function shippedRules(): () => readonly HuntRule[] {
  let rules: readonly HuntRule[] | null = null;
  return () => (rules ??= loadRules([shippedRulesDir()]).rules);
}

const labelOf = (rule: HuntRule): RuleLabel => ({
  id: rule.id,
  title: rule.title,
  level: rule.level,
  author: rule.author,
});

/**
 * Each rule counted over the search's events, as `trailhound hunt --filter QUERY` counts it: the
 * rule's condition ANDed with the search's WHERE clause, so the counts are the same.
 */
export function answerDetections(
  db: SqliteDatabase,
  rules: readonly HuntRule[],
  search: CompiledQuery,
): DetectionsView {
  const counted: RuleCount[] = [];
  for (const rule of rules) {
    const where = ruleWhere(rule.predicate, rule.aggregation);
    const sql = `SELECT count(*) FROM events e WHERE (${where.sql}) AND (${search.where.sql})`;
    const count = firstValue<number>(
      db,
      { sql, params: [...where.params, ...search.where.params] },
      `rule ${rule.id} failed`,
    )!;
    if (count > 0) counted.push({ ...labelOf(rule), count });
  }
  counted.sort(
    (a, b) => levelRank(b.level) - levelRank(a.level) || b.count - a.count || a.title.localeCompare(b.title),
  );
  return { rules: counted, ran: rules.length };
}

/** The rules one event matches, highest level first: for its detail card. */
export function answerEventRules(db: SqliteDatabase, rules: readonly HuntRule[], rowId: number): readonly RuleLabel[] {
  const matched = rules.filter((rule) => {
    const where = ruleWhere(rule.predicate, rule.aggregation);
    const statement = {
      sql: `SELECT 1 FROM events e WHERE e.row_id = ? AND (${where.sql})`,
      params: [rowId, ...where.params],
    };
    return firstValue(db, statement, `rule ${rule.id} failed`) !== undefined;
  });
  return matched.map(labelOf).sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.title.localeCompare(b.title));
}

/**
 * Compiles a query that may start with `rule:ID` (rule-scope.ts). The rule's events are read as a set
 * of row ids: the newest-first scan (search/engine.ts) tests rows of `event_rows`, which has no
 * record for a rule's JSON paths to read.
 */
export function compileWithRule(
  query: string,
  rules: () => readonly HuntRule[],
  compile: (query: string) => CompiledQuery,
): CompiledQuery {
  const scope = splitRuleScope(query);
  if (scope === null) return compile(query);
  const rule = rules().find((candidate) => candidate.id === scope.ruleId);
  if (!rule)
    throw new QueryError(
      query,
      `no shipped rule has the id "${scope.ruleId}"`,
      query.indexOf('rule:'),
      5 + scope.ruleId.length,
      'press h in the results for the rules that match them',
    );
  const search = scope.rest.trim() === '' ? null : compileRest(query, scope.rest, scope.restAt, compile);
  const where = ruleWhere(rule.predicate, rule.aggregation);
  const inner = search
    ? { sql: `(${where.sql}) AND (${search.where.sql})`, params: [...where.params, ...search.where.params] }
    : where;
  const set = { sql: `e.row_id IN (SELECT e.row_id FROM events e WHERE ${inner.sql})`, params: inner.params };
  return { query, where: set, rowWhere: set, textOnly: null, hints: search?.hints ?? [] };
}

function compileRest(
  query: string,
  rest: string,
  at: number,
  compile: (query: string) => CompiledQuery,
): CompiledQuery {
  try {
    return compile(rest);
  } catch (error) {
    if (error instanceof QueryError) throw new QueryError(query, error.detail, error.at + at, error.length, error.help);
    throw error;
  }
}
