import type { CompiledQuery } from '../search/compile.js';
import type { HuntRule } from './rule.js';
import { ruleWhere } from './sqlite.js';

/**
 * A rule in the shape of a compiled search, for the commands built on searches (`export --rule`):
 * its label credits the rule's title, id and author, as the DRL asks of third-party rules. ANDed
 * with a search when one is given.
 */
export function ruleAsQuery(rule: HuntRule, search: CompiledQuery | null): CompiledQuery {
  const where = ruleWhere(rule.predicate, rule.aggregation);
  const label = `rule ${rule.id} "${rule.title}" by ${rule.author ?? 'no author'}`;
  if (search === null) return { query: label, where, rowWhere: where, textOnly: null, hints: [] };
  return {
    query: `${label} AND ${search.query}`,
    where: { sql: `(${where.sql}) AND (${search.where.sql})`, params: [...where.params, ...search.where.params] },
    rowWhere: {
      sql: `(${where.sql}) AND (${search.rowWhere.sql})`,
      params: [...where.params, ...search.rowWhere.params],
    },
    textOnly: null,
    hints: search.hints,
  };
}

/** The rule with this id among those loaded, or null. */
export function findRule(rules: readonly HuntRule[], id: string): HuntRule | null {
  return rules.find((rule) => rule.id === id) ?? null;
}
