import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATOR_REVISION, generateArchive, SMALL_SET } from '../scripts/samplegen/archive.js';
import { fileBytes, listFiles, measureFloor, runTimed } from './measure.js';
import { line, printTable, writeJson } from './report.js';
import { searchLatency } from './search-latency.js';
import { watchLatency } from './watch-latency.js';
import { tuiLatency } from './tui-latency.js';
import { traceLatency } from './trace-latency.js';
import type { BenchLine } from './report.js';

/**
 * `npm run bench [-- --events N] [--reuse-db] [--only search|trace|tui|watch]`: every speed and memory figure the issues hold us to,
 * measured on a generated corpus cached outside the repository (~/.cache/trailhound-bench, or
 * $TRAILHOUND_BENCH_DIR), printed as one table and written as JSON.
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'reuse-db': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const events = Number(values.events);
const cacheDir = process.env['TRAILHOUND_BENCH_DIR'] ?? join(homedir(), '.cache', 'trailhound-bench');
// The revision in the names: a corpus written by an older generator lacks what newer benches measure.
const corpus = join(cacheDir, `corpus-${events}-r${GENERATOR_REVISION}`);
const dbPath = join(cacheDir, `index-${events}-r${GENERATOR_REVISION}.db`);

const GOALS = { eventsPerSecond: 100_000, peakRssMb: 400, dbRatio: 1.0, reindexSeconds: 2 };

function ensureCorpus(): number {
  const marker = join(corpus, 'generated.json');
  if (existsSync(marker)) return (JSON.parse(readFileSync(marker, 'utf8')) as { rawJsonBytes: number }).rawJsonBytes;
  process.stderr.write(`generating a ${events}-event corpus in ${corpus} (once)…\n`);
  rmSync(corpus, { recursive: true, force: true });
  mkdirSync(corpus, { recursive: true });
  // Two days at least: the samples' story, and the chain trace is measured on, happen on the second.
  const days = Math.max(2, Math.round(events / 150_000));
  const summary = generateArchive({ outDir: corpus, seed: SMALL_SET.seed, events, days, startDate: SMALL_SET.startDate, digests: false });
  writeFileSync(marker, JSON.stringify({ events: summary.events, logFiles: summary.logFiles, rawJsonBytes: summary.rawJsonBytes }));
  return summary.rawJsonBytes;
}

function eventsIndexed(stderr: string): number {
  const match = /events: (\d+) read/.exec(stderr);
  return match ? Number(match[1]) : Number.NaN;
}

function indexing(rawJsonBytes: number): BenchLine[] {
  const logs = listFiles(join(corpus, 'AWSLogs')).filter((path) => path.endsWith('.json.gz'));
  const floor = measureFloor(logs);
  const floorRate = floor.events / floor.seconds;
  const lines = [line('floor: read + gunzip + JSON.parse', `${rate(floorRate)} events/s (${floor.events} events, ${logs.length} files)`)];
  if (values['reuse-db'] && existsSync(dbPath)) return lines;
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const bulk = runTimed(['index', join(corpus, 'AWSLogs'), '--db', dbPath]);
  const bulkRate = eventsIndexed(bulk.stderr) / bulk.seconds;
  const ratio = fileBytes(dbPath) / rawJsonBytes;
  const again = runTimed(['index', join(corpus, 'AWSLogs'), '--db', dbPath]);
  return lines.concat([
    line('bulk index: wall time', `${bulk.seconds.toFixed(1)} s`),
    line('bulk index: events/s', rate(bulkRate), `>= ${rate(GOALS.eventsPerSecond)}`, bulkRate >= GOALS.eventsPerSecond),
    line('bulk index: share of the floor', `${((100 * bulkRate) / floorRate).toFixed(0)} %`),
    line('bulk index: peak RSS', `${bulk.peakRssMb.toFixed(0)} MB`, `< ${GOALS.peakRssMb} MB`, bulk.peakRssMb < GOALS.peakRssMb),
    line('database / raw JSON bytes', ratio.toFixed(2), `<= ${GOALS.dbRatio.toFixed(1)}`, ratio <= GOALS.dbRatio),
    line('re-index unchanged corpus', `${again.seconds.toFixed(2)} s`, `< ${GOALS.reindexSeconds} s`, again.seconds < GOALS.reindexSeconds),
  ]);
}

function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

async function main(): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const rawJsonBytes = ensureCorpus();
  const lines = [...indexing(rawJsonBytes)];
  // --only trace (or search, tui, watch): one group of figures, when the others are not what changed.
  const wanted = (name: string) => values.only === undefined || values.only === name;
  if (wanted('search')) lines.push(...searchLatency(dbPath));
  if (wanted('trace')) lines.push(...traceLatency(dbPath));
  if (wanted('tui')) lines.push(...(await tuiLatency(dbPath)));
  if (wanted('watch')) lines.push(...(await watchLatency()));
  printTable(`trailhound bench: ${events.toLocaleString('en-US')} events, ${(rawJsonBytes / 1e9).toFixed(2)} GB of JSON`, lines);
  writeJson(join(cacheDir, `bench-${events}.json`), { events, rawJsonBytes, measuredAt: new Date().toISOString(), lines });
}

await main();
