/**
 * A query narrowed to one detection rule, as the query box shows it: `rule:ID` then the search it
 * narrows. The term is the UI's own (the search language has no rules): the search thread reads it
 * (detection-answers.ts), so typing the same text reproduces the same results.
 */
export interface RuleScope {
  readonly ruleId: string;
  /** The search the rule narrows, and where it starts in the whole query (for error positions). */
  readonly rest: string;
  readonly restAt: number;
}

const RULE_TERM = /^(\s*rule:(\S+)\s*)/;

export function splitRuleScope(query: string): RuleScope | null {
  const match = RULE_TERM.exec(query);
  if (!match) return null;
  return { ruleId: match[2]!, rest: query.slice(match[1]!.length), restAt: match[1]!.length };
}

export function ruleScopedQuery(ruleId: string, search: string): string {
  return search.trim() === '' ? `rule:${ruleId}` : `rule:${ruleId} ${search.trim()}`;
}
