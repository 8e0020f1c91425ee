import { openReadOnly } from '../src/store/db.js';
import type { SqliteDatabase } from '../src/store/db.js';
import { compileQuery } from '../src/search/compile.js';
import { runSearch } from '../src/search/engine.js';
import { TraceLookup } from '../src/trace/lookup.js';
import { traceBack } from '../src/trace/backward.js';
import { traceForward } from '../src/trace/forward.js';
import { percentile } from './measure.js';
import { line } from './report.js';
import type { BenchLine } from './report.js';

const GOALS = { backMs: 200, forwardMs: 2000, forwardEvents: 10_000 };

function timesMs(runs: number, action: () => void): { p50: number; p95: number } {
  action();
  const samples = Array.from({ length: runs }, () => {
    const started = process.hrtime.bigint();
    action();
    return Number(process.hrtime.bigint() - started) / 1e6;
  }).sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

/** The samples' chain (scripts/samplegen/trace-story.ts): the task role's read, five hops from the leaked key. */
function storyEventId(db: SqliteDatabase): string | null {
  const [row] = [
    ...runSearch(db, compileQuery('user:data-sync-task-role action:GetObject'), {
      sort: 'oldest',
      limit: 1,
      offset: 0,
    }),
  ];
  return row?.event_id ?? null;
}

/** The access key whose event count is nearest the goal's 10,000 (the generator gives each actor one key). */
function keyNear(db: SqliteDatabase, events: number): { key: string; events: number } | null {
  const row = db
    .prepare(
      'SELECT user_identity_access_key_id AS key, count(*) AS events FROM event_rows ' +
        'WHERE user_identity_access_key_id IS NOT NULL GROUP BY 1 ORDER BY abs(count(*) - ?) LIMIT 1',
    )
    .get(events) as { key: string; events: number } | undefined;
  return row ?? null;
}

/** `trailhound trace` both ways on the bench database: a five-hop chain back, and a key's blast radius forward. */
export function traceLatency(dbPath: string): BenchLine[] {
  const db = openReadOnly(dbPath);
  try {
    const lookup = new TraceLookup(db);
    const lines: BenchLine[] = [];
    const eventId = storyEventId(db);
    if (eventId === null) {
      lines.push(
        line("trace back: the samples' 5-hop chain", 'not in this corpus (generated before the chain was added)'),
      );
    } else {
      const hops = traceBack(lookup, eventId).hops.length;
      const back = timesMs(20, () => void traceBack(lookup, eventId));
      lines.push(
        line(
          `trace back: the samples' chain, ${hops} hops to the leaked key`,
          `p50 ${back.p50.toFixed(1)} ms, p95 ${back.p95.toFixed(1)} ms`,
          `p95 < ${GOALS.backMs} ms`,
          back.p95 < GOALS.backMs,
        ),
      );
    }
    const near = keyNear(db, GOALS.forwardEvents);
    if (near) {
      const forward = timesMs(5, () => void traceForward(lookup, near.key));
      lines.push(
        line(
          `trace --forward: a key with ${near.events.toLocaleString('en-US')} events`,
          `p50 ${forward.p50.toFixed(0)} ms, max ${forward.p95.toFixed(0)} ms`,
          `< ${GOALS.forwardMs} ms`,
          forward.p95 < GOALS.forwardMs,
        ),
      );
    }
    return lines;
  } finally {
    db.close();
  }
}
