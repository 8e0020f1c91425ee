import { ipv4ToInt } from '../normalize/event.js';
import { RuleError } from './condition.js';
import type { CompareOp, FieldPath, Pattern, PatternPart, Predicate } from './predicate.js';
import { fieldPath, literal } from './predicate.js';

/** The line of a node in the rule's YAML, by its keys from the document root (null if unknown). */
export type LineOf = (keys: readonly (string | number)[]) => number | null;

type Scalar = null | boolean | number | string;
type Json = Scalar | Json[] | { [key: string]: Json };

const isMap = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every named selection of a `detection` block as a predicate; `condition` and `timeframe` are not selections. */
export function compileSelections(detection: Record<string, Json>, lineOf: LineOf): Map<string, Predicate> {
  const selections = new Map<string, Predicate>();
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    selections.set(name, compileSelection(value, ['detection', name], lineOf));
  }
  return selections;
}

function compileSelection(value: Json, keys: readonly (string | number)[], lineOf: LineOf): Predicate {
  if (isMap(value)) return compileMap(value, keys, lineOf);
  if (Array.isArray(value) && value.length > 0 && value.every(isMap)) {
    return anyOf(value.map((item, i) => compileMap(item as Record<string, Json>, [...keys, i], lineOf)));
  }
  const values = Array.isArray(value) ? value : [value];
  if (values.length > 0 && values.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return anyOf(values.map((item) => ({ kind: 'keyword', pattern: contains(parsePattern(String(item))) })));
  }
  throw new RuleError(
    `selection "${String(keys[1])}" must be a map of fields, a list of maps, or a list of keywords`,
    lineOf(keys),
  );
}

/** A map's fields must all hold (an empty map: nothing to match, so it never does). */
function compileMap(map: Record<string, Json>, keys: readonly (string | number)[], lineOf: LineOf): Predicate {
  const items = Object.entries(map).map(([key, value]) => {
    try {
      return compileField(key, value);
    } catch (error) {
      if (error instanceof RuleError && error.line === null) throw new RuleError(error.reason, lineOf([...keys, key]));
      throw error;
    }
  });
  if (items.length === 0) return { kind: 'const', value: false };
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

const MATCH_MODIFIERS = ['contains', 'startswith', 'endswith'] as const;
const COMPARE_MODIFIERS: readonly CompareOp[] = ['gt', 'gte', 'lt', 'lte'];
const REGEX_FLAGS: Record<string, string> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };
const SUPPORTED_MODIFIERS = [
  ...MATCH_MODIFIERS,
  'all',
  're',
  'cidr',
  'exists',
  ...COMPARE_MODIFIERS,
  'fieldref',
  'base64',
  'base64offset',
];

interface Modifiers {
  around: (typeof MATCH_MODIFIERS)[number] | 'equals';
  all: boolean;
  regex: string | null;
  cidr: boolean;
  exists: boolean;
  compare: CompareOp | null;
  fieldref: boolean;
  base64: 'plain' | 'offset' | null;
}

function parseModifiers(names: readonly string[]): Modifiers {
  const modifiers: Modifiers = {
    around: 'equals',
    all: false,
    regex: null,
    cidr: false,
    exists: false,
    compare: null,
    fieldref: false,
    base64: null,
  };
  for (const raw of names) {
    const name = raw.toLowerCase();
    if ((MATCH_MODIFIERS as readonly string[]).includes(name)) modifiers.around = name as Modifiers['around'];
    else if (name === 'all') modifiers.all = true;
    else if (name === 're') modifiers.regex = '';
    else if (modifiers.regex !== null && REGEX_FLAGS[name]) modifiers.regex += REGEX_FLAGS[name];
    else if (name === 'cidr') modifiers.cidr = true;
    else if (name === 'exists') modifiers.exists = true;
    else if ((COMPARE_MODIFIERS as readonly string[]).includes(name)) modifiers.compare = name as CompareOp;
    else if (name === 'fieldref') modifiers.fieldref = true;
    else if (name === 'base64') modifiers.base64 = 'plain';
    else if (name === 'base64offset') modifiers.base64 = 'offset';
    else throw new RuleError(`modifier "${raw}" is not supported (${SUPPORTED_MODIFIERS.join(', ')})`);
  }
  return modifiers;
}

/** One `field|modifier…: value(s)` entry. A list of values is ORed, or ANDed with `|all`. */
function compileField(key: string, value: Json): Predicate {
  const [name = '', ...modifierNames] = key.split('|');
  const modifiers = parseModifiers(modifierNames);
  const listed = Array.isArray(value) ? value : [value];
  if (listed.some((item) => isMap(item) || Array.isArray(item)))
    throw new RuleError(`field "${name}" has a nested map or list as a value`);
  const values = listed as Scalar[];
  if (name === '')
    return combine(
      values.map((item) => keywordValue(item)),
      modifiers.all,
    );
  const field = toFieldPath(name);
  if (modifiers.exists) {
    if (values.length !== 1 || typeof values[0] !== 'boolean')
      throw new RuleError(`"${name}|exists" takes true or false`);
    return values[0] ? { kind: 'exists', field } : { kind: 'not', item: { kind: 'exists', field } };
  }
  return combine(
    values.map((item) => fieldValue(field, item, modifiers)),
    modifiers.all,
  );
}

function combine(items: Predicate[], all: boolean): Predicate {
  if (items.length === 0) return { kind: 'const', value: false };
  if (items.length === 1) return items[0]!;
  return { kind: all ? 'and' : 'or', items };
}

function anyOf(items: Predicate[]): Predicate {
  return combine(items, false);
}

function keywordValue(value: Scalar): Predicate {
  if (value === null || typeof value === 'boolean') throw new RuleError('a keyword must be text or a number');
  return { kind: 'keyword', pattern: contains(parsePattern(String(value))) };
}

function fieldValue(field: FieldPath, value: Scalar, modifiers: Modifiers): Predicate {
  // Sigma's null and '' both mean the field has no value (CloudTrail writes neither for a value).
  if (value === null || value === '') return { kind: 'not', item: { kind: 'exists', field } };
  const text = String(value);
  if (modifiers.regex !== null) return regexValue(field, text, modifiers.regex);
  if (modifiers.cidr) return cidrValue(field, text);
  if (modifiers.compare) {
    if (typeof value !== 'number')
      throw new RuleError(`"${field.name}|${modifiers.compare}" needs a number, not "${text}"`);
    return { kind: 'compare', field, op: modifiers.compare, value };
  }
  if (modifiers.fieldref) return { kind: 'fieldref', field, other: toFieldPath(text), around: modifiers.around };
  if (modifiers.base64)
    return anyOf(
      encodings(text, modifiers.base64).map((encoded) => ({
        kind: 'match',
        field,
        pattern: around(literal(encoded), modifiers.around),
      })),
    );
  const pattern = typeof value === 'string' ? parsePattern(value) : literal(text);
  return { kind: 'match', field, pattern: around(pattern, modifiers.around) };
}

function regexValue(field: FieldPath, source: string, flags: string): Predicate {
  try {
    new RegExp(source, flags);
  } catch (error) {
    throw new RuleError(`regular expression /${source}/ does not compile: ${(error as Error).message}`);
  }
  return { kind: 'regex', field, source, flags };
}

function cidrValue(field: FieldPath, text: string): Predicate {
  if (field.name !== 'sourceIPAddress')
    throw new RuleError(`"|cidr" works on sourceIPAddress only, not "${field.name}"`);
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text.trim());
  const base = match ? ipv4ToInt(match[1]!) : null;
  const bits = match ? Number(match[2]) : NaN;
  if (base === null || !(bits >= 0 && bits <= 32))
    throw new RuleError(`"${text}" is not an IPv4 CIDR block (IPv6 blocks are not supported)`);
  const size = 2 ** (32 - bits);
  const first = Math.floor(base / size) * size;
  return { kind: 'cidr', field, first, last: first + size - 1 };
}

/** Field names are CloudTrail paths; `"` cannot be quoted in a SQLite JSON path, and no CloudTrail key has one. */
function toFieldPath(name: string): FieldPath {
  const path = fieldPath(name);
  if (path.keys.some((key) => key === '' || key.includes('"'))) throw new RuleError(`"${name}" is not a field path`);
  return path;
}

/**
 * Sigma string values: `*` and `?` are wildcards, `\*`, `\?` and `\\` their literal characters;
 * any other backslash is itself (Sigma specification, "Escaping").
 */
export function parsePattern(value: string): Pattern {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    const next = value[i + 1];
    if (char === '\\' && (next === '*' || next === '?' || next === '\\')) {
      text += next;
      i += 1;
    } else if (char === '*' || char === '?') {
      flush();
      parts.push({ kind: char === '*' ? 'any' : 'one' });
    } else {
      text += char;
    }
  }
  flush();
  return parts;
}

function around(pattern: Pattern, how: Modifiers['around']): Pattern {
  const any: PatternPart = { kind: 'any' };
  if (how === 'contains') return [any, ...pattern, any];
  if (how === 'startswith') return [...pattern, any];
  if (how === 'endswith') return [any, ...pattern];
  return pattern;
}

function contains(pattern: Pattern): Pattern {
  return around(pattern, 'contains');
}

/**
 * `base64`: the value encoded; `base64offset`: the three encodings the value can have inside a longer
 * base64 text, depending on its offset modulo 3 (the shifted text with the partial characters cut).
 */
function encodings(text: string, how: 'plain' | 'offset'): string[] {
  const bytes = Buffer.from(text, 'utf8');
  if (how === 'plain') return [bytes.toString('base64')];
  const starts = [0, 2, 3];
  const ends = [0, 3, 2];
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
    const end = encoded.length - ends[(bytes.length + shift) % 3]!;
    return encoded.slice(starts[shift]!, end);
  });
}
