import { LineCounter, parseAllDocuments, isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import { RuleError, parseCondition, parseTimeframe, resolveCondition } from './condition.js';
import type { ConditionNode } from './condition.js';
import { compileSelections } from './detection.js';
import type { LineOf } from './detection.js';
import type { Aggregation, Predicate } from './predicate.js';

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** A Sigma rule trailhound can evaluate: its metadata, and its detection as a predicate tree. */
export interface HuntRule {
  readonly id: string;
  readonly title: string;
  readonly author: string | null;
  readonly level: Level;
  readonly status: string | null;
  readonly description: string | null;
  readonly tags: readonly string[];
  readonly file: string;
  readonly predicate: Predicate;
  readonly aggregation: Aggregation | null;
  /** The parsed condition and selections, for a second evaluator (the tests) to walk. */
  readonly condition: ConditionNode;
  readonly selections: ReadonlyMap<string, Predicate>;
}

/** A rule that was read but cannot be evaluated, and why: never dropped silently. */
export interface SkippedRule {
  readonly file: string;
  readonly line: number | null;
  /** The rule's title, else its id, else its file name. */
  readonly rule: string;
  readonly reason: string;
}

export type RuleResult =
  { readonly ok: true; readonly rule: HuntRule } | { readonly ok: false; readonly skipped: SkippedRule };

/** Compiles one rule file's text. Never throws: what cannot be evaluated comes back as a SkippedRule. */
export function compileRule(text: string, file: string): RuleResult {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines });
  const skip = (reason: string, line: number | null, rule = file.split('/').pop() ?? file): RuleResult => ({
    ok: false,
    skipped: { file, line, rule, reason },
  });
  if (!Array.isArray(documents)) return skip('the file holds no YAML document', null);
  if (documents.length !== 1)
    return skip(
      `the file holds ${documents.length} YAML documents; Sigma rule collections (action: global) are not supported`,
      1,
    );
  const document = documents[0]!;
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    return skip(`not valid YAML: ${error.message.split('\n')[0]}`, error.linePos?.[0]?.line ?? null);
  }
  const lineOf = lineFinder(document, lines);
  const data = document.toJS() as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return skip('not a Sigma rule (a YAML map is expected)', 1);
  const rule = data as Record<string, unknown>;
  const name =
    typeof rule['title'] === 'string' ? rule['title'] : typeof rule['id'] === 'string' ? rule['id'] : undefined;
  try {
    return { ok: true, rule: buildRule(rule, file, lineOf) };
  } catch (error) {
    if (error instanceof RuleError) return skip(error.reason, error.line, name);
    throw error;
  }
}

function buildRule(rule: Record<string, unknown>, file: string, lineOf: LineOf): HuntRule {
  if (rule['correlation'] !== undefined)
    throw new RuleError('correlation rules are not supported', lineOf(['correlation']));
  if (typeof rule['id'] !== 'string' || rule['id'].trim() === '')
    throw new RuleError('the rule has no id', lineOf(['title']) ?? 1);
  if (typeof rule['title'] !== 'string') throw new RuleError('the rule has no title', lineOf(['id']));
  checkLogsource(rule['logsource'], lineOf);
  const detection = rule['detection'];
  if (typeof detection !== 'object' || detection === null || Array.isArray(detection))
    throw new RuleError('the rule has no detection map', lineOf(['detection']) ?? 1);
  const map = detection as Record<string, unknown>;
  const condition = Array.isArray(map['condition'])
    ? map['condition']
        .map(String)
        .map((c) => `(${c})`)
        .join(' or ')
    : map['condition'];
  if (typeof condition !== 'string') throw new RuleError('the detection has no condition', lineOf(['detection']));
  const conditionLine = lineOf(['detection', 'condition']);
  const timeframeValue = map['timeframe'] ?? rule['timeframe'];
  const atCondition = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      if (error instanceof RuleError && error.line === null) throw new RuleError(error.reason, conditionLine);
      throw error;
    }
  };
  const timeframe = timeframeValue === undefined ? null : atCondition(() => parseTimeframe(timeframeValue));
  const parsed = atCondition(() => parseCondition(condition, timeframe));
  const selections = compileSelections(map as Parameters<typeof compileSelections>[0], lineOf);
  const predicate = atCondition(() => resolveCondition(parsed.tree, selections));
  return {
    id: rule['id'].trim(),
    title: rule['title'],
    author: typeof rule['author'] === 'string' ? rule['author'] : null,
    level: levelOf(rule['level'], lineOf),
    status: typeof rule['status'] === 'string' ? rule['status'] : null,
    description: typeof rule['description'] === 'string' ? rule['description'].trim() : null,
    tags: Array.isArray(rule['tags']) ? rule['tags'].map(String) : [],
    file,
    predicate,
    aggregation: parsed.aggregation,
    condition: parsed.tree,
    selections,
  };
}

/** CloudTrail rules only: `product: aws` with `service: cloudtrail` (or no service). */
function checkLogsource(logsource: unknown, lineOf: LineOf): void {
  const source = (typeof logsource === 'object' && logsource !== null ? logsource : {}) as Record<string, unknown>;
  const product = String(source['product'] ?? '').toLowerCase();
  const service = source['service'] === undefined ? 'cloudtrail' : String(source['service']).toLowerCase();
  if (product !== 'aws' || service !== 'cloudtrail') {
    const described =
      Object.entries(source)
        .map(([key, value]) => `${key}: ${String(value)}`)
        .join(', ') || 'none';
    throw new RuleError(`logsource (${described}) is not AWS CloudTrail`, lineOf(['logsource']) ?? 1);
  }
}

/** A rule without a level counts as medium; an unknown level is the rule's mistake. */
function levelOf(level: unknown, lineOf: LineOf): Level {
  if (level === undefined) return 'medium';
  const lower = String(level).toLowerCase();
  if ((LEVELS as readonly string[]).includes(lower)) return lower as Level;
  throw new RuleError(`level "${String(level)}" is not one of ${LEVELS.join(', ')}`, lineOf(['level']));
}

/** Lines of keys (map entries) and items (list entries), by their path from the root. */
function lineFinder(document: Document, lines: LineCounter): LineOf {
  return (keys) => {
    let node: unknown = document.contents;
    let offset: number | null = null;
    for (const key of keys) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
        if (!pair) return offset === null ? null : lines.linePos(offset).line;
        offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : offset;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) offset = range[0];
      } else {
        break;
      }
    }
    return offset === null ? null : lines.linePos(offset).line;
  };
}
