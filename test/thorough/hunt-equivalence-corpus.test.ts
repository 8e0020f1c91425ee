import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules, shippedRulesDir } from '../../src/hunt/load.js';
import { openReadOnly } from '../../src/store/db.js';
import type { SqliteDatabase } from '../../src/store/db.js';
import type { EvaluatedEvent } from '../helpers/sigma-evaluator.js';
import { CORPUS, eventsOf, expectSameAnswers, SIGMAHQ } from '../helpers/rule-equivalence.js';
import { indexInto } from '../helpers/temp-index.js';

/**
 * The compiler against the plain evaluator on the shared corpus of real attacks (test/hunt-equivalence runs samples/).
 */
const shipped = () => loadRules([shippedRulesDir()]);

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

  it.skipIf(!existsSync(SIGMAHQ))(
    'for every SigmaHQ rule, many of which fire on the real attacks recorded there',
    () => {
      const firing = expectSameAnswers(db, loadRules([SIGMAHQ]).rules, events);
      expect(firing).toBe(37);
    },
  );
});
