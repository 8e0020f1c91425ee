import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { isPartialDownload } from '../src/watch/partial-download.js';
import { ChangeQueue } from '../src/watch/queue.js';
import { openReadOnly } from '../src/store/db.js';

const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));

/** Long enough for a loaded 2-core machine; each wait ends as soon as its condition holds. */
// Generous: a loaded CI machine may take many seconds; a wait ends as soon as its condition holds.
const WAIT_MS = 60_000;

type LogLine = Record<string, unknown>;

/** `trailhound watch … --json-log` as a child process, its stdout parsed line by line. */
class WatchProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private partialLine = '';

  constructor(paths: readonly string[], db: string) {
    this.child = spawn(process.execPath, [bin, 'watch', ...paths, '--db', db, '--json-log', '--workers', '1'], {
      env: { ...process.env, NO_COLOR: '1', TRAILHOUND_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this);
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => this.onStdout(text));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => { this.stderr += text; });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      running.delete(this);
      resolve(code);
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The log lines of one type, without their volatile `time`. */
  linesOf(type: string): LogLine[] {
    return this.lines.filter((line) => line['type'] === type).map(({ time: _time, ...rest }) => rest);
  }

  indexedLinesFor(path: string): LogLine[] {
    return this.linesOf('indexed').filter((line) => line['path'] === path);
  }

  async ready(): Promise<void> {
    await until(() => this.linesOf('watching').length > 0, 'the watcher to finish catching up', this);
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  private onStdout(text: string): void {
    const parts = (this.partialLine + text).split('\n');
    this.partialLine = parts.pop()!;
    for (const part of parts) this.lines.push(JSON.parse(part) as LogLine);
  }
}

const running = new Set<WatchProcess>();
afterEach(async () => {
  await Promise.all([...running].map((watcher) => watcher.kill('SIGKILL')));
});

/** Polls until `probe` returns something truthy; fails with what it waited for and the watcher's stderr. */
async function until<T>(probe: () => T, what: string, watcher?: WatchProcess): Promise<NonNullable<T>> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${watcher ? `; watcher stderr: ${watcher.stderr}` : ''}`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A read-only look at the index, as `trailhound sql` would take while the watch writes. */
function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const connection = openReadOnly(db);
  try {
    return connection.prepare(sql).all(...params) as T[];
  } finally {
    connection.close();
  }
}

function eventCount(db: string, ids: readonly string[]): number {
  const rows = query<{ n: number; distinct_ids: number }>(
    db, `SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM events WHERE event_id IN (${ids.map(() => '?').join(', ')})`, ...ids,
  );
  expect(rows[0]!.n).toBe(rows[0]!.distinct_ids);
  return rows[0]!.n;
}

function eventIds(prefix: number, count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(first + i).padStart(12, '0')}`);
}

function trailEvent(eventID: string): object {
  return {
    eventVersion: '1.08', eventID, eventTime: '2026-03-02T10:05:00Z', eventSource: 'ecs.amazonaws.com', eventName: 'RunTask',
    awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.5',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    requestParameters: { cluster: 'prod', taskDefinition: 'web:5' },
  };
}

/** A CloudTrail log file as delivered: gzipped `{"Records": [...]}`. */
function logFile(ids: readonly string[]): Buffer {
  return gzipSync(JSON.stringify({ Records: ids.map(trailEvent) }));
}

/** A path in the S3 layout under `dir`; its folders are created. */
function logPath(dir: string, name: string, day = '02'): string {
  const folder = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', day);
  mkdirSync(folder, { recursive: true });
  return join(folder, `111122223333_CloudTrail_us-east-1_20260302T1005Z_${name}.json.gz`);
}

/** Writes in `chunks` pieces with `pauseMs` between them, the way a slow copier does. */
async function writeSlowly(path: string, bytes: Buffer, chunks: number, pauseMs: number): Promise<void> {
  const size = Math.ceil(bytes.length / chunks);
  writeFileSync(path, bytes.subarray(0, size));
  for (let offset = size; offset < bytes.length; offset += size) {
    await sleep(pauseMs);
    appendFileSync(path, bytes.subarray(offset, offset + size));
  }
}

async function startWatching(dir: string, db = join(tempDir(), 'case.db')): Promise<{ watcher: WatchProcess; db: string }> {
  const watcher = new WatchProcess([dir], db);
  await watcher.ready();
  return { watcher, db };
}

describe('trailhound watch', () => {
  test('a new file is searchable while the watch runs, and the database beside it is never read', async () => {
    const dir = tempDir();
    const db = join(dir, 'case.db');
    const { watcher } = await startWatching(dir, db);
    const path = logPath(dir, 'new');
    const ids = eventIds(1, 3);
    writeFileSync(path, logFile(ids));

    await until(() => eventCount(db, ids) === 3, 'the events of the new file', watcher);
    const sql = runCli(['sql', 'SELECT count(*) AS n FROM events', '--db', db, '--format', 'ndjson']);
    expect(sql).toEqual({ status: 0, stdout: '{"n":3}\n', stderr: '' });
    await until(() => watcher.indexedLinesFor(path).length > 0, 'the indexed line', watcher);
    expect(watcher.linesOf('indexed')).toEqual([{ type: 'indexed', path, status: 'done', events_read: 3, events_new: 3, problems: 0 }]);
    expect(watcher.linesOf('watching')).toEqual([{ type: 'watching', paths: [dir] }]);
    expect(query(db, 'SELECT path FROM files')).toEqual([{ path }]);
    expect(watcher.isRunning).toBe(true);
  });

  test('a file written slowly in chunks is read once, complete', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const path = logPath(dir, 'slow');
    const ids = eventIds(2, 400);
    await writeSlowly(path, logFile(ids), 8, 150);

    await until(() => watcher.indexedLinesFor(path).length > 0, 'the slowly written file', watcher);
    expect(watcher.indexedLinesFor(path)[0]).toEqual({ type: 'indexed', path, status: 'done', events_read: 400, events_new: 400, problems: 0 });
    expect(watcher.linesOf('problem')).toEqual([]);
    await until(() => eventCount(db, ids) === 400, 'its events', watcher);
  });

  test('a download renamed into place is read under its final name only', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    // aws s3 sync downloads to `<name>.<8 hex digits>`; the pause outlasts the settling wait.
    const synced = logPath(dir, 'synced');
    const syncedIds = eventIds(3, 5);
    await writeSlowly(`${synced}.3fA9b0C1`, logFile(syncedIds), 2, 900);
    renameSync(`${synced}.3fA9b0C1`, synced);
    // mv from outside the watched folder.
    const moved = logPath(dir, 'moved');
    const outside = join(tempDir(), 'staging.json.gz');
    const movedIds = eventIds(3, 5, 100);
    writeFileSync(outside, logFile(movedIds));
    renameSync(outside, moved);

    await until(() => eventCount(db, [...syncedIds, ...movedIds]) === 10, 'both renamed files', watcher);
    expect(query(db, 'SELECT path, status, events_read FROM files ORDER BY path')).toEqual([
      { path: moved, status: 'done', events_read: 5 },
      { path: synced, status: 'done', events_read: 5 },
    ]);
  });

  test('files in new nested folders are read', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const deep = join(dir, 'o-abc123', 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', '2026', '04', '01');
    mkdirSync(deep, { recursive: true });
    const first = join(deep, 'a.json.gz');
    writeFileSync(first, logFile(eventIds(4, 2)));
    const deeper = join(deep, 'x', 'y');
    mkdirSync(deeper, { recursive: true });
    const second = join(deeper, 'b.json.gz');
    writeFileSync(second, logFile(eventIds(4, 2, 10)));

    await until(() => eventCount(db, [...eventIds(4, 2), ...eventIds(4, 2, 10)]) === 4, 'the nested files', watcher);
    expect(query(db, 'SELECT path, status FROM files ORDER BY path')).toEqual([
      { path: first, status: 'done' },
      { path: second, status: 'done' },
    ]);
  });

  test('a changed file is read again without duplicating its events', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const path = logPath(dir, 'changed');
    writeFileSync(path, logFile(eventIds(5, 3)));
    await until(() => watcher.indexedLinesFor(path).length === 1, 'the first read', watcher);
    writeFileSync(path, logFile(eventIds(5, 5)));

    await until(() => watcher.indexedLinesFor(path).length === 2, 'the second read', watcher);
    expect(watcher.indexedLinesFor(path)).toEqual([
      { type: 'indexed', path, status: 'done', events_read: 3, events_new: 3, problems: 0 },
      { type: 'indexed', path, status: 'done', events_read: 5, events_new: 2, problems: 0 },
    ]);
    await until(() => eventCount(db, eventIds(5, 5)) === 5, 'five events, once each', watcher);
    expect(query(db, 'SELECT count(*) AS n FROM event_rows')).toEqual([{ n: 5 }]);
    expect(query(db, 'SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH \'"RunTask"\'')).toEqual([{ n: 5 }]);
  });

  test('a deleted file, or a deleted folder, keeps its events and is marked missing', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const lone = logPath(dir, 'lone', '03');
    const inFolder = [logPath(dir, 'f1', '04'), logPath(dir, 'f2', '04')];
    [lone, ...inFolder].forEach((path, i) => writeFileSync(path, logFile(eventIds(6, 2, i * 10))));
    const ids = [0, 10, 20].flatMap((first) => eventIds(6, 2, first));
    await until(() => eventCount(db, ids) === 6, 'the three files', watcher);

    unlinkSync(lone);
    rmSync(dirname(inFolder[0]!), { recursive: true });
    await until(() => watcher.linesOf('missing').length === 3, 'three missing lines', watcher);
    expect(query(db, 'SELECT path, status, events_read FROM files ORDER BY path')).toEqual([
      { path: lone, status: 'missing', events_read: 2 },
      { path: inFolder[0], status: 'missing', events_read: 2 },
      { path: inFolder[1], status: 'missing', events_read: 2 },
    ]);
    expect(eventCount(db, ids)).toBe(6);
  });

  test('files deleted while they settle or are read are problems or missing, never a crash', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const doomed = Array.from({ length: 30 }, (_, i) => logPath(dir, `doomed${i}`));
    for (const [i, path] of doomed.entries()) {
      writeFileSync(path, logFile(eventIds(7, 50, i * 100)));
      await sleep(40);
      if (i >= 3) unlinkSync(doomed[i - 3]!);
    }
    await sleep(700);
    doomed.slice(-3).forEach((path) => unlinkSync(path));
    const sentinel = logPath(dir, 'sentinel');
    writeFileSync(sentinel, logFile(eventIds(7, 1, 9999)));

    await until(() => watcher.indexedLinesFor(sentinel).length === 1, 'the file written after the deletions', watcher);
    expect(watcher.isRunning).toBe(true);
    const leftovers = query<{ status: string }>(db, 'SELECT status FROM files WHERE path != ?', sentinel);
    expect(leftovers.filter((row) => row.status !== 'missing' && row.status !== 'failed')).toEqual([]);
  });

  test('a second writer on the same database is refused with the first one\'s PID', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const second = runCli(['watch', dir, '--db', db]);
    expect(second).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        `error: cannot write to ${db}`,
        ` reason: it is already being indexed by PID ${watcher.pid}`,
        '   help: wait for that process, or search the database read-only meanwhile',
        '',
      ].join('\n'),
    });
    expect(watcher.isRunning).toBe(true);
  });

  test('a folder that does not exist is refused', () => {
    const dir = tempDir();
    const result = runCli(['watch', join(dir, 'no-such-folder'), '--db', join(dir, 'case.db')]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        `error: cannot watch ${join(dir, 'no-such-folder')}`,
        ' reason: no such file or folder',
        '   help: check the path, or create the folder first (mkdir -p)',
        '',
      ].join('\n'),
    });
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('%s stops it cleanly: exit 0, database closed and checkpointed', async (signal) => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const path = logPath(dir, signal);
    writeFileSync(path, logFile(eventIds(8, 3)));
    await until(() => watcher.indexedLinesFor(path).length === 1, 'the file', watcher);

    expect(await watcher.kill(signal)).toBe(0);
    expect(watcher.stderr).toBe('');
    expect(existsSync(`${db}.lock`)).toBe(false);
    expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
    expect(eventCount(db, eventIds(8, 3))).toBe(3);
  });

  test('a burst of 1,000 files is indexed in full, none lost or read twice', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const paths = Array.from({ length: 1000 }, (_, i) => logPath(dir, `burst${i}`, String(1 + (i % 3)).padStart(2, '0')));
    paths.forEach((path, i) => writeFileSync(path, logFile(eventIds(9, 10, i * 10))));

    const total = () => query<{ n: number }>(db, "SELECT count(*) AS n FROM files WHERE status = 'done'")[0]!.n;
    await until(() => total() === 1000, '1,000 files done', watcher);
    expect(query(db, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events')).toEqual([{ n: 10_000, ids: 10_000 }]);
    expect(new Set(watcher.linesOf('indexed').map((line) => line['path']))).toEqual(new Set(paths));
  });

  test('killed with SIGKILL at several moments and restarted, it ends where an uninterrupted watch ends', async () => {
    const dir = tempDir();
    const reference = await startWatching(dir);
    const crashed = join(tempDir(), 'crashed.db');
    let written = 0;
    const behindAfterKill: boolean[] = [];
    // Kills land during start-up, the catch-up scan, files settling, and batches being stored.
    for (const [round, delayMs] of [0, 150, 400, 700, 1000].entries()) {
      const victim = new WatchProcess([dir], crashed);
      for (let i = 0; i < 20; i++) writeFileSync(logPath(dir, `r${round}f${i}`, String(1 + round).padStart(2, '0')), logFile(eventIds(10, 50, written++ * 50)));
      await sleep(delayMs);
      await victim.kill('SIGKILL');
      behindAfterKill.push(eventsIfAny(crashed) < written * 50);
    }
    expect(behindAfterKill).toContain(true);

    const resumed = new WatchProcess([dir], crashed);
    await resumed.ready();
    const doneFiles = (db: string) => query<{ n: number }>(db, "SELECT count(*) AS n FROM files WHERE status = 'done'")[0]!.n;
    await until(() => doneFiles(crashed) === written && doneFiles(reference.db) === written, 'both watchers to index every file', resumed);
    expect(await resumed.kill('SIGTERM')).toBe(0);
    expect(await reference.watcher.kill('SIGTERM')).toBe(0);

    expect(snapshot(crashed)).toEqual(snapshot(reference.db));
    expect(snapshot(crashed).events).toEqual({ n: written * 50, ids: written * 50 });
  });
});

function eventsIfAny(db: string): number {
  try {
    return query<{ n: number }>(db, 'SELECT count(*) AS n FROM event_rows')[0]!.n;
  } catch {
    return 0; // killed before the database or its schema existed
  }
}

function snapshot(db: string) {
  return {
    events: query(db, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM event_rows')[0],
    ftsRows: query(db, 'SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH \'"ecs"\'')[0],
    files: query(db, 'SELECT path, status, kind, events_read, sha256 FROM files ORDER BY path'),
    eventIds: query<{ event_id: string }>(db, 'SELECT event_id FROM event_rows ORDER BY event_id').map((row) => row.event_id).join(','),
    problems: query(db, 'SELECT path, stage, reason FROM problems ORDER BY path'),
  };
}

describe('partial downloads', () => {
  test.each([
    ['x.json.gz.3fA9b0C1', true],
    ['x.json.gz.partial', true],
    ['x.json.gz.part', true],
    ['.x.json.gz.Ab12Cd', true],
    ['111122223333_CloudTrail_us-east-1_20260302T1005Z_abcdef0123456789.json.gz', false],
    ['x.json', false],
    ['x.jsonl', false],
    ['case.zip', false],
    ['x.json.gz.3fA9b0C', false],
  ])('%s is a partial download: %s', (name, expected) => {
    expect(isPartialDownload(join('/cases', name))).toBe(expected);
  });
});

describe('change queue', () => {
  test('keeps each path once, oldest first, and hands them out in batches', () => {
    const queue = new ChangeQueue();
    for (const path of ['/a', '/b', '/a', '/c', '/b']) queue.push(path);
    expect(queue.take(2)).toEqual(['/a', '/b']);
    expect(queue.take(2)).toEqual(['/c']);
    expect(queue.size).toBe(0);
  });

  test('a wait ends when a path arrives, when the watch is stopped, or with the watcher\'s failure', async () => {
    const queue = new ChangeQueue();
    const stop = new AbortController();
    const waiting = queue.whenReady(stop.signal);
    queue.push('/a');
    await waiting;
    queue.take(1);
    const stopped = queue.whenReady(stop.signal);
    stop.abort();
    await stopped;
    queue.fail(new Error('out of inotify watches'));
    await expect(queue.whenReady(new AbortController().signal)).rejects.toThrow('out of inotify watches');
  });
});
