import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules, shippedRulesDir } from '../src/hunt/load.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import type { EvaluatedEvent } from './helpers/sigma-evaluator.js';
import { eventsOf, expectSameAnswers, SIGMAHQ } from './helpers/rule-equivalence.js';

/**
 * The compiler against the plain evaluator on samples/ (test/thorough/hunt-equivalence-corpus runs the shared corpus).
 */
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
    expect(firing).toBe(12);
  });

  it.skipIf(!existsSync(SIGMAHQ))('for every one of the 57 SigmaHQ CloudTrail rules, all of which compile', () => {
    const { rules, skipped } = loadRules([SIGMAHQ]);
    expect(skipped).toEqual([]);
    expect(rules).toHaveLength(57);
    expect(expectSameAnswers(suite.db, rules, events)).toBe(6);
  });
});
