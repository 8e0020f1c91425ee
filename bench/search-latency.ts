import { openReadOnly } from '../src/store/db.js';
import type { SqliteDatabase } from '../src/store/db.js';
import { compileQuery } from '../src/search/compile.js';
import { countFacets, runSearch } from '../src/search/engine.js';
import { percentile } from './measure.js';
import { line } from './report.js';
import type { BenchLine } from './report.js';

const RUNS = 20;
const GOALS = { pageMs: 50, facetsMs: 200 };

/** A value that occurs in the corpus, so filters are measured on real matches, not empty results. */
function sample(db: SqliteDatabase, sql: string): string {
  const row = db.prepare(sql).get() as { v: string } | undefined;
  return row?.v ?? 'none';
}

function queries(db: SqliteDatabase): [string, string][] {
  const key = sample(
    db,
    "SELECT user_identity_access_key_id v FROM event_rows WHERE user_identity_access_key_id LIKE 'AKIA%' LIMIT 1",
  );
  const ip = sample(
    db,
    'SELECT source_ip v FROM event_rows WHERE source_ipv4_int IS NOT NULL ORDER BY id DESC LIMIT 1',
  );
  const day = sample(db, 'SELECT substr(max(event_time), 1, 10) v FROM event_rows');
  return [
    ['action', 'action:RunTask'],
    ['action prefix', 'action:Delete*'],
    ['identity', 'user:ci-deploy'],
    ['access key', `key:${key}`],
    ['IP', `ip:${ip}`],
    ['CIDR', 'ip:198.51.100.0/24'],
    ['error', 'error:AccessDenied*'],
    ['free text', 'xmrig'],
    ['time range', `since:${day}T10:00Z until:${day}T11:00Z`],
    ['combination', `user:ci-deploy action:Create* -error:* since:${day}`],
    ['negation', '-region:us-east-1 -error:* source:ecs'],
    ['everything', ''],
  ];
}

function timeMs(action: () => void): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function latencies(action: () => void): { p50: number; p95: number } {
  action();
  const samples = Array.from({ length: RUNS }, () => timeMs(action)).sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

/** p50/p95 of a newest-first page of 50 for each filter kind, and of facets, on the bench database. */
export function searchLatency(dbPath: string): BenchLine[] {
  const db = openReadOnly(dbPath);
  try {
    const lines: BenchLine[] = [];
    for (const [kind, query] of queries(db)) {
      const compiled = compileQuery(query);
      const page = latencies(() => void [...runSearch(db, compiled, { sort: 'newest', limit: 50, offset: 0 })]);
      lines.push(
        line(
          `search ${kind}: ${query || '(all)'}`,
          `p50 ${page.p50.toFixed(1)} ms, p95 ${page.p95.toFixed(1)} ms`,
          `p95 < ${GOALS.pageMs} ms`,
          page.p95 < GOALS.pageMs,
        ),
      );
    }
    for (const query of ['', 'source:ecs', 'error:AccessDenied*']) {
      const compiled = compileQuery(query);
      const facets = latencies(() => void countFacets(db, compiled));
      lines.push(
        line(
          `facets: ${query || '(all)'}`,
          `p50 ${facets.p50.toFixed(1)} ms, p95 ${facets.p95.toFixed(1)} ms`,
          `p95 < ${GOALS.facetsMs} ms`,
          facets.p95 < GOALS.facetsMs,
        ),
      );
    }
    return lines;
  } finally {
    db.close();
  }
}
