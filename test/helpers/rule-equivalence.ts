import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { HuntRule } from '../../src/hunt/rule.js';
import { runHunt } from '../../src/hunt/run.js';
import type { SqliteDatabase } from '../../src/store/db.js';
import { evaluateRule } from './sigma-evaluator.js';
import type { EvaluatedEvent } from './sigma-evaluator.js';

/**
 * Proof that the compiler is right: for every rule, the events its one SQL statement selects are
 * exactly those a plain evaluator (sigma-evaluator.ts) selects walking the records. The 57 SigmaHQ
 * rules are test data under the DRL 1.1 in ../shared: read there, never copied here.
 */
export const SIGMAHQ = new URL('../../../shared/sigma-cloudtrail', import.meta.url).pathname;
export const CORPUS = new URL('../../../shared/corpus', import.meta.url).pathname;
const NO_FILTER = { where: null, since: null, until: null };

export function eventsOf(db: SqliteDatabase): EvaluatedEvent[] {
  const rows = db.prepare('SELECT row_id, event_time, record FROM events ORDER BY row_id').all() as {
    row_id: number;
    event_time: string | null;
    record: string;
  }[];
  return rows.map((row) => ({ rowId: row.row_id, time: row.event_time, record: JSON.parse(row.record) }));
}

function sqlMatches(db: SqliteDatabase, rule: HuntRule): Set<number> {
  return new Set(runHunt(db, [rule], NO_FILTER).detections.map((d) => d.event.row_id));
}

function sorted(ids: Set<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}

/** Compares both answers rule by rule; returns how many rules matched at least one event. */
export function expectSameAnswers(
  db: SqliteDatabase,
  rules: readonly HuntRule[],
  events: readonly EvaluatedEvent[],
): number {
  let firing = 0;
  for (const rule of rules) {
    const expected = evaluateRule(readFileSync(rule.file, 'utf8'), events);
    expect({ rule: rule.file, ids: sorted(sqlMatches(db, rule)) }).toEqual({ rule: rule.file, ids: sorted(expected) });
    if (expected.size > 0) firing += 1;
  }
  return firing;
}
