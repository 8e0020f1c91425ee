import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));

/** One timed run of the real CLI, with its peak resident memory as the kernel reports it. */
export interface CliRun {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly stderr: string;
  readonly stdout: string;
}

export function runTimed(args: readonly string[]): CliRun {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb=%M', process.execPath, bin, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`trailhound ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  const peak = /peak-rss-kb=(\d+)/.exec(result.stderr);
  return {
    seconds,
    peakRssMb: peak ? Number(peak[1]) / 1024 : Number.NaN,
    stderr: result.stderr,
    stdout: result.stdout,
  };
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * The floor any Node indexer stands on: read, gunzip and JSON.parse every log file, one after the
 * other on one thread, the fastest plain way (whole-file reads; streams cost more on small files).
 */
export function measureFloor(logFiles: readonly string[]): { seconds: number; events: number; rawJsonBytes: number } {
  const started = process.hrtime.bigint();
  let events = 0;
  let rawJsonBytes = 0;
  for (const path of logFiles) {
    const text = gunzipSync(readFileSync(path)).toString('utf8');
    rawJsonBytes += Buffer.byteLength(text);
    events += (JSON.parse(text) as { Records: unknown[] }).Records.length;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, events, rawJsonBytes };
}

export function fileBytes(path: string): number {
  return ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(path + suffix).size;
    } catch {
      return sum;
    }
  }, 0);
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}
