import { expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import { requireTool } from './required-tools.js';
import { tempDir } from './temp-index.js';

const bin = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));
/** What `index` may hold at its peak whatever the file's size (issue 9: bounded memory). */
const PEAK_RSS_LIMIT_MB = 400;

function event(id: string): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2026-03-02T10:00:00Z',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RunTask',
  };
}

/**
 * Indexes one JSON file of `sizeBytes` (a record whose single value is nearly all of it, between two
 * small ones) under GNU time, and checks the peak memory, the two small events kept, and the problem
 * recorded for the huge one.
 */
export function indexHugeFile(sizeBytes: number): void {
  requireTool('GNU time');
  const dir = tempDir();
  const path = join(dir, 'huge.json');
  const fd = openSync(path, 'w');
  const head = `{"Records":[${JSON.stringify(event('before'))},`;
  const [hugeOpen, hugeClose] = ['{"eventVersion":"1.08","eventID":"huge","requestParameters":{"blob":"', '"}}'];
  writeSync(fd, head + hugeOpen);
  const chunk = Buffer.alloc(64 * 1024 * 1024, 'a');
  let blobBytes = 0;
  for (; blobBytes < sizeBytes; blobBytes += chunk.length) writeSync(fd, chunk);
  writeSync(fd, `${hugeClose},${JSON.stringify(event('after'))}]}`);
  closeSync(fd);
  const dbPath = join(dir, 'index.db');
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', 'peak-rss-kb=%M', process.execPath, bin, 'index', path, '--db', dbPath],
    { encoding: 'utf8', env: { ...process.env, TRAILHOUND_DB: '' } },
  );
  expect(result.status, result.stderr).toBe(0);
  const peakMb = Number(/peak-rss-kb=(\d+)/.exec(result.stderr)![1]) / 1024;
  expect(peakMb).toBeLessThan(PEAK_RSS_LIMIT_MB);
  const db = new Database(dbPath, { readonly: true });
  expect(db.prepare('SELECT event_id FROM event_rows ORDER BY event_id').pluck().all()).toEqual(['after', 'before']);
  const problem = db.prepare('SELECT path, position, reason FROM problems').get() as {
    path: string;
    position: string;
    reason: string;
  };
  db.close();
  const recordBytes = hugeOpen.length + blobBytes + hugeClose.length;
  expect(problem).toEqual({
    path,
    position: `record 1, line 1, byte ${head.length}`,
    reason: `record of ${recordBytes} bytes exceeds the ${DEFAULT_LIMITS.maxRecordBytes}-byte limit`,
  });
}
