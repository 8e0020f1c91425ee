import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules, shippedRulesDir } from '../src/hunt/load.js';
import type { HuntRule } from '../src/hunt/rule.js';
import { runHunt } from '../src/hunt/run.js';
import { openReadOnly } from '../src/store/db.js';
import type { SqliteDatabase } from '../src/store/db.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import { evaluateRule } from './helpers/sigma-evaluator.js';
import type { EvaluatedEvent } from './helpers/sigma-evaluator.js';
import { indexInto } from './helpers/temp-index.js';

/**
 * Proof that the compiler is right: for every rule, the events its one SQL statement selects are
 * exactly those a plain evaluator (test/helpers/sigma-evaluator.ts) selects walking the records.
 * The 57 SigmaHQ rules are test data under the DRL 1.1 in ../shared: read there, never copied here.
 */
const SIGMAHQ = new URL('../../shared/sigma-cloudtrail', import.meta.url).pathname;
const CORPUS = new URL('../../shared/corpus', import.meta.url).pathname;
const NO_FILTER = { where: null, since: null, until: null };

function eventsOf(db: SqliteDatabase): EvaluatedEvent[] {
  const rows = db.prepare('SELECT row_id, event_time, record FROM events ORDER BY row_id').all() as { row_id: number; event_time: string | null; record: string }[];
  return rows.map((row) => ({ rowId: row.row_id, time: row.event_time, record: JSON.parse(row.record) }));
}

function sqlMatches(db: SqliteDatabase, rule: HuntRule): Set<number> {
  return new Set(runHunt(db, [rule], NO_FILTER).detections.map((d) => d.event.row_id));
}

function sorted(ids: Set<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}

/** Compares both answers rule by rule; returns how many rules matched at least one event. */
function expectSameAnswers(db: SqliteDatabase, rules: readonly HuntRule[], events: readonly EvaluatedEvent[]): number {
  let firing = 0;
  for (const rule of rules) {
    const expected = evaluateRule(readFileSync(rule.file, 'utf8'), events);
    expect({ rule: rule.file, ids: sorted(sqlMatches(db, rule)) }).toEqual({ rule: rule.file, ids: sorted(expected) });
    if (expected.size > 0) firing += 1;
  }
  return firing;
}

const shipped = () => loadRules([shippedRulesDir()]);

describe('the compiled SQL and the plain evaluator agree on samples/', () => {
  const suite = indexSamplesForSuite();
  let events: EvaluatedEvent[];
  beforeAll(() => {
    events = eventsOf(suite.db);
  });

  it('for every shipped rule, and the story in samples/ is found', () => {
    const { rules, skipped } = shipped();
    expect(skipped).toEqual([]);
    const firing = expectSameAnswers(suite.db, rules, events);
    expect(firing).toBeGreaterThanOrEqual(10);
  });

  it.skipIf(!existsSync(SIGMAHQ))('for every one of the 57 SigmaHQ CloudTrail rules, all of which compile', () => {
    const { rules, skipped } = loadRules([SIGMAHQ]);
    expect(skipped).toEqual([]);
    expect(rules).toHaveLength(57);
    expect(expectSameAnswers(suite.db, rules, events)).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(CORPUS))('the compiled SQL and the plain evaluator agree on the shared corpus', () => {
  let db: SqliteDatabase;
  let events: EvaluatedEvent[];
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-hunt-corpus-'));
    const { dbPath } = await indexInto([CORPUS], { dbPath: join(dir, 'corpus.db') });
    db = openReadOnly(dbPath);
    events = eventsOf(db);
  }, 300_000);
  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('for every shipped rule', () => {
    expectSameAnswers(db, shipped().rules, events);
  });

  it.skipIf(!existsSync(SIGMAHQ))('for every SigmaHQ rule, many of which fire on the real attacks recorded there', () => {
    const firing = expectSameAnswers(db, loadRules([SIGMAHQ]).rules, events);
    expect(firing).toBeGreaterThanOrEqual(20);
  });
});
