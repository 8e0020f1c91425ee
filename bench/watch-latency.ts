import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { percentile } from './measure.js';
import { line } from './report.js';
import type { BenchLine } from './report.js';

const bin = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));
const FILES = 20;
const GOAL_SECONDS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function logFile(id: string): Buffer {
  const record = {
    eventVersion: '1.08',
    eventID: id,
    eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RunTask',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
  };
  return gzipSync(JSON.stringify({ Records: [record] }));
}

async function until(found: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (found()) return true;
    await sleep(10);
  }
  return false;
}

/**
 * Seconds from a log file being complete (renamed into place, as `aws s3 sync` does) to its event
 * being searchable through a read-only connection, over 20 files written into a running watch.
 */
export async function watchLatency(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-bench-watch-'));
  const logs = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '02');
  mkdirSync(logs, { recursive: true });
  const dbPath = join(dir, 'watch.db');
  const watcher = spawn(process.execPath, [bin, 'watch', join(dir, 'AWSLogs'), '--db', dbPath, '--json-log'], {
    stdio: 'ignore',
  });
  try {
    await until(() => {
      try {
        new Database(dbPath, { readonly: true }).close();
        return true;
      } catch {
        return false;
      }
    }, 20_000);
    await sleep(1_000);
    const db = new Database(dbPath, { readonly: true });
    const lookup = db.prepare('SELECT 1 FROM event_rows WHERE event_id = ?');
    const seconds: number[] = [];
    for (let i = 0; i < FILES; i++) {
      const id = `bench-watch-${i}`;
      const temp = join(logs, `.${id}.partial`);
      writeFileSync(temp, logFile(id));
      const started = process.hrtime.bigint();
      renameSync(temp, join(logs, `111122223333_CloudTrail_us-east-1_20260302T1000Z_${id}.json.gz`));
      const seen = await until(() => lookup.get(id) !== undefined, 30_000);
      seconds.push(seen ? Number(process.hrtime.bigint() - started) / 1e9 : Number.POSITIVE_INFINITY);
      await sleep(200);
    }
    db.close();
    seconds.sort((a, b) => a - b);
    const p95 = percentile(seconds, 0.95);
    return [
      line(
        'watch: file complete → searchable',
        `p50 ${percentile(seconds, 0.5).toFixed(2)} s, p95 ${p95.toFixed(2)} s (${FILES} files)`,
        `< ${GOAL_SECONDS} s`,
        p95 < GOAL_SECONDS,
      ),
    ];
  } finally {
    watcher.kill('SIGINT');
    await new Promise((resolve) => watcher.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
