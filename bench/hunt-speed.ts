import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRules, shippedRulesDir } from '../src/hunt/load.js';
import { runHunt } from '../src/hunt/run.js';
import { openReadOnly } from '../src/store/db.js';
import { line } from './report.js';
import type { BenchLine } from './report.js';

/** The 57 SigmaHQ CloudTrail rules beside the repository (test data, never copied into it). */
const SIGMAHQ = fileURLToPath(new URL('../../../shared/sigma-cloudtrail', import.meta.url));

/** Issue 18: every shipped rule plus the SigmaHQ rules over the index in under 10 s. */
const GOAL_SECONDS = 10;

/** `hunt` over the bench index: all rules, one statement each, as the command runs them. */
export function huntSpeed(dbPath: string): BenchLine[] {
  const paths = [shippedRulesDir(), ...(existsSync(SIGMAHQ) ? [SIGMAHQ] : [])];
  const { rules } = loadRules(paths);
  const db = openReadOnly(dbPath);
  try {
    const perRule: { title: string; ms: number }[] = [];
    let detections = 0;
    const started = performance.now();
    for (const rule of rules) {
      const at = performance.now();
      detections += runHunt(db, [rule], { where: null, since: null, until: null }).detections.length;
      perRule.push({ title: rule.title, ms: performance.now() - at });
    }
    const seconds = (performance.now() - started) / 1000;
    const slowest = perRule
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((r) => `${r.title} ${(r.ms / 1000).toFixed(1)} s`)
      .join('; ');
    return [
      line(
        `hunt: ${rules.length} rules (shipped${existsSync(SIGMAHQ) ? ' + SigmaHQ' : ''}), ${detections} detections`,
        `${seconds.toFixed(1)} s`,
        `< ${GOAL_SECONDS} s`,
        seconds < GOAL_SECONDS,
      ),
      line('hunt: slowest rules', slowest),
    ];
  } finally {
    db.close();
  }
}
