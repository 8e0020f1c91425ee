import { parse } from 'yaml';
import { parseCondition } from '../../src/hunt/condition.js';
import type { ConditionNode } from '../../src/hunt/condition.js';

/**
 * A second, plain Sigma evaluator: it reads a rule's detection straight from its YAML and walks it
 * over parsed JSON records, one at a time, with none of the compiler's code but the condition's
 * grammar. The compiler's SQL must select exactly the records this selects (test/hunt-equivalence).
 *
 * Semantics as documented for `trailhound hunt`: a value is a non-empty string, a number's or
 * boolean's text, or an object's JSON text; strings compare with ASCII case folded; `*` and `?` are
 * wildcards; keywords match any string in the record.
 */

type Json = any;
export interface EvaluatedEvent {
  readonly rowId: number;
  readonly time: string | null;
  readonly record: Json;
}

const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

function valueAt(record: Json, name: string): string | undefined {
  let value: Json = record;
  for (const key of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !(key in value)) return undefined;
    value = value[key];
  }
  if (value === null || value === '' || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `*`, `?`, and their escapes, as a regular expression over the folded text. */
function wildcardRegex(value: string, how: string): RegExp {
  let source = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i]!;
    const next = value[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      source += next.replace(/[\\*?]/, '\\$&');
      i += 1;
    } else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += fold(c).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  if (how === 'contains') source = `.*${source}.*`;
  if (how === 'startswith') source = `${source}.*`;
  if (how === 'endswith') source = `.*${source}`;
  return new RegExp(`^${source}$`, 'su');
}

function base64Variants(value: string, offset: boolean): string[] {
  const bytes = Buffer.from(value);
  if (!offset) return [bytes.toString('base64')];
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.from(' '.repeat(shift)), bytes]).toString('base64');
    const start = [0, 2, 3][shift]!;
    const cut = [0, 3, 2][(bytes.length + shift) % 3]!;
    return encoded.slice(start, encoded.length - cut);
  });
}

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return null;
  return m.slice(1).reduce((n, o) => n * 256 + Number(o), 0);
}

function matchOne(record: Json, field: string, modifiers: string[], expected: Json): boolean {
  const actual = valueAt(record, field);
  if (expected === null || expected === '') return actual === undefined;
  const how = modifiers.find((m) => ['contains', 'startswith', 'endswith'].includes(m)) ?? 'equals';
  if (modifiers.includes('exists')) return (actual !== undefined) === expected;
  if (modifiers.includes('re')) {
    const flags = modifiers.filter((m) => ['i', 'm', 's'].includes(m)).join('');
    return actual !== undefined && new RegExp(String(expected), flags).test(actual);
  }
  if (modifiers.includes('cidr')) {
    const [base, bits] = String(expected).split('/');
    const size = 2 ** (32 - Number(bits));
    const first = Math.floor(ipv4(base!)! / size) * size;
    const ip = actual === undefined ? null : ipv4(actual);
    return ip !== null && ip >= first && ip < first + size;
  }
  const compare = modifiers.find((m) => ['gt', 'gte', 'lt', 'lte'].includes(m));
  if (compare) {
    let raw: Json = record;
    for (const key of field.split('.'))
      raw = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw[key] : undefined;
    if (typeof raw !== 'number') return false;
    return { gt: raw > expected, gte: raw >= expected, lt: raw < expected, lte: raw <= expected }[compare]!;
  }
  if (modifiers.includes('fieldref')) {
    const other = valueAt(record, String(expected));
    if (actual === undefined || other === undefined) return false;
    const [a, b] = [fold(actual), fold(other)];
    return { equals: a === b, contains: a.includes(b), startswith: a.startsWith(b), endswith: a.endsWith(b) }[how]!;
  }
  if (actual === undefined) return false;
  if (modifiers.includes('base64') || modifiers.includes('base64offset')) {
    return base64Variants(String(expected), modifiers.includes('base64offset')).some((v) =>
      wildcardRegex(v.replace(/[\\*?]/g, '\\$&'), how).test(fold(actual)),
    );
  }
  const text = typeof expected === 'string' ? expected : String(expected).replace(/[\\*?]/g, '\\$&');
  return wildcardRegex(text, how).test(fold(actual));
}

function strings(value: Json, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) strings(item, out);
  return out;
}

function keywordMatches(record: Json, keyword: Json): boolean {
  const regex = wildcardRegex(String(keyword), 'contains');
  return strings(record).some((text) => regex.test(fold(text)));
}

function mapMatches(record: Json, map: Record<string, Json>): boolean {
  return Object.entries(map).every(([key, value]) => {
    const [field = '', ...modifiers] = key.split('|').map((part, i) => (i === 0 ? part : part.toLowerCase()));
    const values = Array.isArray(value) ? value : [value];
    if (field === '') return values.some((v) => keywordMatches(record, v));
    const test = (v: Json) => matchOne(record, field, modifiers, v);
    return modifiers.includes('all') ? values.every(test) : values.some(test);
  });
}

function selectionMatches(record: Json, selection: Json): boolean {
  if (Array.isArray(selection)) {
    return selection.some((item) =>
      typeof item === 'object' && item !== null ? mapMatches(record, item) : keywordMatches(record, item),
    );
  }
  if (typeof selection === 'object' && selection !== null) return mapMatches(record, selection);
  return keywordMatches(record, selection);
}

function conditionHolds(node: ConditionNode, record: Json, detection: Record<string, Json>): boolean {
  const names = Object.keys(detection).filter((n) => n !== 'condition' && n !== 'timeframe');
  switch (node.kind) {
    case 'ref':
      return selectionMatches(record, detection[node.name]);
    case 'not':
      return !conditionHolds(node.item, record, detection);
    case 'and':
      return node.items.every((item) => conditionHolds(item, record, detection));
    case 'or':
      return node.items.some((item) => conditionHolds(item, record, detection));
    case 'of': {
      const chosen =
        node.pattern === 'them'
          ? names.filter((n) => !n.startsWith('_'))
          : names.filter((n) =>
              new RegExp(
                `^${node.pattern
                  .split('*')
                  .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
                  .join('.*')}$`,
              ).test(n),
            );
      const hits = chosen.filter((n) => selectionMatches(record, detection[n])).length;
      return node.quantifier === 'all' ? hits === chosen.length : hits >= node.quantifier;
    }
  }
}

const SPAN: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** The row ids of the events a rule (its YAML text) matches. */
export function evaluateRule(ruleText: string, events: readonly EvaluatedEvent[]): Set<number> {
  const rule = parse(ruleText);
  const detection = rule.detection as Record<string, Json>;
  const timeframe = detection['timeframe'] ?? rule.timeframe;
  const seconds =
    timeframe === undefined ? null : Number(/^\d+/.exec(timeframe)![0]) * SPAN[String(timeframe).slice(-1)]!;
  const conditionText = Array.isArray(detection['condition'])
    ? detection['condition'].map((c: string) => `(${c})`).join(' or ')
    : detection['condition'];
  const { tree, aggregation } = parseCondition(conditionText, seconds);
  const matching = events.filter((event) => conditionHolds(tree, event.record, detection));
  if (!aggregation) return new Set(matching.map((event) => event.rowId));
  const timed = matching
    .filter((event) => event.time !== null)
    .map((event) => ({
      ...event,
      at: Date.parse(event.time!) / 1000,
      group: aggregation.groupBy ? (valueAt(event.record, aggregation.groupBy.name) ?? null) : null,
    }));
  const hits = timed.filter((event) => {
    const n = timed.filter(
      (other) =>
        other.group === event.group && other.at <= event.at && other.at >= event.at - aggregation.windowSeconds,
    ).length;
    return {
      gt: n > aggregation.threshold,
      gte: n >= aggregation.threshold,
      lt: n < aggregation.threshold,
      lte: n <= aggregation.threshold,
    }[aggregation.op];
  });
  return new Set(hits.map((event) => event.rowId));
}
