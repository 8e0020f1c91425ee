import { measureKeystrokeLatency } from './keystroke-latency.js';
import { percentile } from './measure.js';
import { line } from './report.js';
import type { BenchLine } from './report.js';

const GOAL_MS = 100;

/** Queries as typed, one keystroke at a time: every prefix is a search the UI runs. */
const TYPED = ['action:RunTask', 'user:ci-deploy', 'ip:198.51.100.23', 'xmrig', 'error:AccessDenied*'];

/**
 * Keystroke to updated results in the terminal UI: the first page and the count back from the UI's
 * search worker, for every prefix of a few typed queries (the 120 ms typing pause not included).
 */
export async function tuiLatency(dbPath: string): Promise<BenchLine[]> {
  const queries = TYPED.flatMap((query) => Array.from({ length: query.length }, (_, i) => query.slice(0, i + 1)));
  const samples = (await measureKeystrokeLatency(dbPath, queries)).sort((a, b) => a - b);
  const p95 = percentile(samples, 0.95);
  return [
    line(
      'TUI: keystroke → results',
      `p50 ${percentile(samples, 0.5).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (${samples.length} keystrokes)`,
      `p95 < ${GOAL_MS} ms`,
      p95 < GOAL_MS,
    ),
  ];
}
