import type { Aggregation, Pattern, Predicate as HuntPredicate } from '../hunt/predicate.js';
import { escapeLike } from './literals.js';
import { all, and, or } from './predicate.js';
import type { Predicate } from './predicate.js';
import { DialectError } from './render.js';
import type { DialectName } from './render.js';

/**
 * A compiled Sigma rule (hunt/predicate.ts) as a dialect predicate tree. Constructs with no
 * translation yet are errors naming the dialect, the rule and the construct.
 */
export function huntToPredicate(
  predicate: HuntPredicate,
  aggregation: Aggregation | null,
  context: { dialect: DialectName; rule: string },
): Predicate {
  if (aggregation) throw unsupported(context, '`| count() … by` aggregation with a timeframe');
  return convert(predicate, context);
}

function convert(predicate: HuntPredicate, context: { dialect: DialectName; rule: string }): Predicate {
  switch (predicate.kind) {
    case 'const':
      return predicate.value ? all : { kind: 'not', item: all };
    case 'match':
      return { kind: 'compare', path: predicate.field.name, op: 'like', value: likePattern(predicate.pattern) };
    case 'regex':
      // DuckDB and ClickHouse use RE2, which has no lookaround or backreferences; Trino's Joni has both.
      if (
        (context.dialect === 'duckdb' || context.dialect === 'clickhouse') &&
        /\(\?<?[=!]|\\[1-9]/.test(predicate.source)
      ) {
        throw unsupported(context, `|re with lookaround or a backreference on ${predicate.field.name} (RE2)`);
      }
      return {
        kind: 'compare',
        path: predicate.field.name,
        op: 'regex',
        value: predicate.flags === '' ? predicate.source : `(?${predicate.flags})${predicate.source}`,
      };
    case 'exists':
      return { kind: 'compare', path: predicate.field.name, op: 'present', value: '' };
    case 'cidr':
      if (predicate.field.name !== 'sourceIPAddress')
        throw unsupported(context, `|cidr on ${predicate.field.name} (only sourceIPAddress)`);
      return {
        kind: 'ipv4Range',
        first: predicate.first,
        last: predicate.last,
        cidr: `${intToIpv4(predicate.first)}/${32 - Math.log2(predicate.last - predicate.first + 1)}`,
      };
    case 'and':
      return and(predicate.items.map((item) => convert(item, context)));
    case 'or':
      return or(predicate.items.map((item) => convert(item, context)));
    case 'not':
      return { kind: 'not', item: convert(predicate.item, context) };
    case 'compare':
      throw unsupported(context, `numeric |${predicate.op} on ${predicate.field.name}`);
    case 'fieldref':
      throw unsupported(context, `|fieldref between ${predicate.field.name} and ${predicate.other.name}`);
    case 'keyword':
      throw unsupported(context, 'keywords (a value anywhere in the record)');
    case 'atLeast':
      throw unsupported(context, `"${predicate.count} of …"`);
  }
}

function likePattern(pattern: Pattern): string {
  return pattern
    .map((part) => (part.kind === 'text' ? escapeLike(part.text) : part.kind === 'any' ? '%' : '_'))
    .join('');
}

function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

function unsupported(context: { dialect: DialectName; rule: string }, construct: string): DialectError {
  return new DialectError(
    context.dialect,
    `rule ${context.rule}: ${construct} has no translation`,
    'run it on the index: trailhound hunt, without --dialect',
  );
}
