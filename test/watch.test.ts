import { afterEach, describe, expect, test } from 'vitest';
import { INPUT_HELP } from '../src/errors.js';
import type { Problem } from '../src/errors.js';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { DEFAULT_LIMITS } from '../src/ingest/limits.js';
import { openIndex, openReadOnly } from '../src/store/db.js';
import { IndexWriter } from '../src/store/ingest.js';
import { BatchIndexer } from '../src/watch/batch-indexer.js';
import { IndexState } from '../src/store/index-state.js';
import { isPartialDownload } from '../src/watch/partial-download.js';
import { ChangeQueue } from '../src/watch/queue.js';
import type { DuePath } from '../src/watch/queue.js';
import { RescanPlan } from '../src/watch/rescan-plan.js';
import { createJsonLog } from '../src/watch/reporter.js';
import type { WatchReporter } from '../src/watch/reporter.js';
import { formatWatchStatus } from '../src/watch/status-line.js';

const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));

/** Generous: a loaded CI machine may take many seconds; a wait ends as soon as its condition holds. */
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
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        running.delete(this);
        resolve(code);
      }),
    );
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
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${watcher ? `; watcher stderr: ${watcher.stderr}` : ''}`);
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
  const placeholders = ids.map(() => '?').join(', ');
  const rows = query<{ n: number; distinct_ids: number }>(
    db,
    `SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM events WHERE event_id IN (${placeholders})`,
    ...ids,
  );
  expect(rows[0]!.n).toBe(rows[0]!.distinct_ids);
  return rows[0]!.n;
}

function eventIds(prefix: number, count: number, first = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(first + i).padStart(12, '0')}`,
  );
}

function trailEvent(eventID: string): object {
  return {
    eventVersion: '1.08',
    eventID,
    eventTime: '2026-03-02T10:05:00Z',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RunTask',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.5',
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

async function startWatching(
  dir: string,
  db = join(tempDir(), 'case.db'),
): Promise<{ watcher: WatchProcess; db: string }> {
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

    // The line is the signal a script waits for: by then another connection finds every event.
    await until(() => watcher.indexedLinesFor(path).length > 0, 'the indexed line', watcher);
    expect(eventCount(db, ids)).toBe(3);
    const sql = runCli([
      'sql',
      'SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH \'"RunTask"\'',
      '--db',
      db,
      '--format',
      'ndjson',
    ]);
    expect(sql).toEqual({ status: 0, stdout: '{"n":3}\n', stderr: '' });
    expect(watcher.linesOf('indexed')).toEqual([
      { type: 'indexed', path, status: 'done', events_read: 3, events_new: 3, problems: 0 },
    ]);
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
    expect(watcher.indexedLinesFor(path)[0]).toEqual({
      type: 'indexed',
      path,
      status: 'done',
      events_read: 400,
      events_new: 400,
      problems: 0,
    });
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
    // The timing is what is tested: each file is deleted 120 ms after it lands, inside the watch's
    // 500 ms settle time, and the last three once that time has passed, while they may be read.
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
    const stillPresent = () =>
      query(db, "SELECT path FROM files WHERE path != ? AND status NOT IN ('missing', 'failed')", sentinel);
    await until(() => stillPresent().length === 0, 'every deleted file to be missing', watcher);
    expect(watcher.isRunning).toBe(true);
  });

  test("a second writer on the same database is refused with the first one's PID", async () => {
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

  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops it cleanly: exit 0, database closed and checkpointed',
    async (signal) => {
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
    },
  );

  test('a burst of 1,000 files is indexed in full, none lost or read twice', async () => {
    const dir = tempDir();
    const { watcher, db } = await startWatching(dir);
    const paths = Array.from({ length: 1000 }, (_, i) =>
      logPath(dir, `burst${i}`, String(1 + (i % 3)).padStart(2, '0')),
    );
    paths.forEach((path, i) => writeFileSync(path, logFile(eventIds(9, 10, i * 10))));

    const total = () => query<{ n: number }>(db, "SELECT count(*) AS n FROM files WHERE status = 'done'")[0]!.n;
    // A file's line is printed once its batch commits, so the last batch's lines may still be in the
    // pipe when the database already shows every file done.
    await until(
      () => total() === 1000 && watcher.linesOf('indexed').length >= 1000,
      '1,000 files done and their lines',
      watcher,
    );
    expect(query(db, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events')).toEqual([
      { n: 10_000, ids: 10_000 },
    ]);
    expect(new Set(watcher.linesOf('indexed').map((line) => line['path']))).toEqual(new Set(paths));
    expect(watcher.linesOf('indexed')).toHaveLength(1000);
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
      for (let i = 0; i < 20; i++)
        writeFileSync(
          logPath(dir, `r${round}f${i}`, String(1 + round).padStart(2, '0')),
          logFile(eventIds(10, 50, written++ * 50)),
        );
      await sleep(delayMs);
      await victim.kill('SIGKILL');
      behindAfterKill.push(eventsIfAny(crashed) < written * 50);
    }
    expect(behindAfterKill).toContain(true);

    const resumed = new WatchProcess([dir], crashed);
    await resumed.ready();
    const doneFiles = (db: string) =>
      query<{ n: number }>(db, "SELECT count(*) AS n FROM files WHERE status = 'done'")[0]!.n;
    await until(
      () => doneFiles(crashed) === written && doneFiles(reference.db) === written,
      'both watchers to index every file',
      resumed,
    );
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
    eventIds: query<{ event_id: string }>(db, 'SELECT event_id FROM event_rows ORDER BY event_id')
      .map((row) => row.event_id)
      .join(','),
    problems: query(db, 'SELECT path, stage, reason FROM problems ORDER BY path'),
  };
}

describe('partial downloads', () => {
  test.each([
    ['x.json.gz.3fA9b0C1', true],
    ['x.json.gz.4a3f9c2b.partial', true],
    ['x.json.gz.partial', false],
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
  const look = { sizeBytes: 10, mtimeMs: 1 };

  test('a path waits its turn until it has gone unreported for the settling time, and is kept once', () => {
    let nowMs = 0;
    const queue = new ChangeQueue(500, () => nowMs);
    queue.push('/a', look);
    nowMs = 100;
    queue.push('/b', null);
    nowMs = 200;
    queue.push('/a', { sizeBytes: 20, mtimeMs: 2 });
    nowMs = 599;
    expect(queue.takeDue(10)).toEqual([]);
    nowMs = 600;
    expect(queue.takeDue(10)).toEqual([{ path: '/b', seen: null }]);
    nowMs = 700;
    expect(queue.takeDue(10)).toEqual([{ path: '/a', seen: { sizeBytes: 20, mtimeMs: 2 } }]);
    expect(queue.size).toBe(0);
  });

  test("turns are handed out in batches; a rescan's offer does not delay a path already waiting", () => {
    let nowMs = 0;
    const queue = new ChangeQueue(500, () => nowMs);
    for (const path of ['/a', '/b', '/c']) queue.push(path, look);
    nowMs = 400;
    expect([queue.offer('/b', look), queue.offer('/d', look)]).toEqual([false, true]);
    nowMs = 500;
    expect(queue.takeDue(2).map((due) => due.path)).toEqual(['/a', '/b']);
    expect(queue.takeDue(2).map((due) => due.path)).toEqual(['/c']);
    nowMs = 900;
    expect(queue.takeDue(2).map((due) => due.path)).toEqual(['/d']);
  });

  test("a wait ends at a turn, at a deadline, when the watch is stopped, or with the watcher's failure", async () => {
    const queue = new ChangeQueue(20);
    const stop = new AbortController();
    queue.push('/a', look);
    await queue.whenReady(stop.signal);
    expect(queue.takeDue(1)).toEqual([{ path: '/a', seen: look }]);
    await queue.whenReady(stop.signal, Date.now() + 20);
    const stopped = queue.whenReady(stop.signal);
    stop.abort();
    await stopped;
    queue.fail(new Error('out of inotify watches'));
    await expect(queue.whenReady(new AbortController().signal)).rejects.toThrow('out of inotify watches');
  });
});

describe('rescan plan', () => {
  test('due after a burst has been quiet for 2 s, at least every minute, and at most a tenth of the time', () => {
    let nowMs = 0;
    const plan = new RescanPlan(() => nowMs);
    expect(plan.dueAtMs()).toBe(60_000);
    nowMs = 1_000;
    plan.noteActivity();
    expect(plan.dueAtMs()).toBe(3_000);
    nowMs = 4_000;
    plan.noteRescan(1_000, 3);
    expect(plan.dueAtMs()).toBe(14_000);
    nowMs = 15_000;
    plan.noteRescan(100, 0);
    expect(plan.dueAtMs()).toBe(75_000);
    expect(plan.isDue()).toBe(false);
  });
});

describe('batch indexer', () => {
  function openBatches(dir: string) {
    const index = openIndex(join(tempDir(), 'case.db'));
    const seen: string[] = [];
    const problems: Problem[] = [];
    const reporter: WatchReporter = {
      watching: () => undefined,
      indexed: (report) => seen.push(`indexed ${report.path} ${report.status} ${report.eventsRead}`),
      problem: (problem) => {
        problems.push(problem);
        seen.push(`problem ${problem.path} ${problem.reason}`);
      },
      missing: (path) => seen.push(`missing ${path}`),
      close: () => undefined,
    };
    const batches = new BatchIndexer(new IndexWriter(index.db), new IndexState(index.db), reporter, {
      limits: DEFAULT_LIMITS,
      workers: 0,
      exclude: new Set(),
      shouldStop: () => false,
    });
    return { batches, seen, problems, close: () => index.close(), dir };
  }

  test('a problem is printed with the help it was found with, though the table stores no help', async () => {
    const dir = tempDir();
    const whole = logFile(eventIds(11, 2));
    writeFileSync(join(dir, 'cut.json.gz'), whole.subarray(0, whole.length - 12));
    const { batches, problems, close } = openBatches(dir);
    try {
      await batches.catchUp([dir]);
      expect(problems.map((problem) => ({ path: problem.path, stage: problem.stage, help: problem.help }))).toEqual([
        { path: join(dir, 'cut.json.gz'), stage: 'decompress', help: INPUT_HELP.downloadAgain },
      ]);
    } finally {
      close();
    }
  });

  test('a rescan offers the files the watcher never reported, and nothing once they are read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json.gz'), logFile(eventIds(11, 2)));
    const { batches, seen, close } = openBatches(dir);
    try {
      expect(await batches.catchUp([dir])).toEqual({ previousMaxRowId: 0, maxRowId: 2, eventsNew: 2, catchUp: true });
      const missed = join(dir, 'later', 'b.json.gz');
      mkdirSync(dirname(missed));
      writeFileSync(missed, logFile(eventIds(11, 3, 10)));
      const offers: DuePath[] = [];
      expect(await batches.rescan([dir], (path, look) => offers.push({ path, seen: look }) > 0)).toBe(1);
      expect(offers).toEqual([
        { path: missed, seen: { sizeBytes: statSync(missed).size, mtimeMs: Math.floor(statSync(missed).mtimeMs) } },
      ]);
      expect(await batches.apply(offers)).toEqual({
        batch: { previousMaxRowId: 2, maxRowId: 5, eventsNew: 3, catchUp: false },
        unsettled: [],
      });
      expect(await batches.rescan([dir], () => true)).toBe(0);
      expect(seen).toEqual([`indexed ${join(dir, 'a.json.gz')} done 2`, `indexed ${missed} done 3`]);
    } finally {
      close();
    }
  });

  test('a batch reads a settled file, hands back one still changing, and marks one gone as missing', async () => {
    const dir = tempDir();
    const [settled, changing, gone] = ['settled', 'changing', 'gone'].map((name) => join(dir, `${name}.json.gz`)) as [
      string,
      string,
      string,
    ];
    [settled, changing, gone].forEach((path, i) => writeFileSync(path, logFile(eventIds(12, 1, i))));
    const { batches, seen, close } = openBatches(dir);
    try {
      await batches.catchUp([dir]);
      seen.length = 0;
      writeFileSync(settled, logFile(eventIds(12, 2, 10)));
      const lookOf = (path: string) => ({
        sizeBytes: statSync(path).size,
        mtimeMs: Math.floor(statSync(path).mtimeMs),
      });
      const due = [
        { path: settled, seen: lookOf(settled) },
        { path: changing, seen: { sizeBytes: 1, mtimeMs: 1 } },
        { path: gone, seen: null },
      ];
      unlinkSync(gone);
      const applied = await batches.apply(due);
      expect(applied.unsettled).toEqual([{ path: changing, seen: lookOf(changing) }]);
      expect(seen).toEqual([`missing ${gone}`, `indexed ${settled} done 2`]);
    } finally {
      close();
    }
  });
});

describe('reports', () => {
  test('the status line says what is watched, the counts and the last file, escaped', () => {
    const lastFileAt = new Date(2026, 2, 2, 10, 5, 7);
    expect(
      formatWatchStatus({
        roots: ['/cases/acme'],
        catchingUp: false,
        filesRead: 1204,
        eventsNew: 1,
        problems: 0,
        lastFile: '/cases/acme/x\u001b[2J.json.gz',
        lastFileAt,
      }),
    ).toBe('watching /cases/acme · 1,204 files read · 1 new event · 0 problems · last 10:05:07 x\\e[2J.json.gz');
    expect(
      formatWatchStatus({
        roots: ['/a', '/b'],
        catchingUp: true,
        filesRead: 1,
        eventsNew: 0,
        problems: 1,
        lastFile: null,
        lastFileAt: null,
      }),
    ).toBe('catching up 2 folders · 1 file read · 0 new events · 1 problem');
  });

  test('--json-log lines carry the column names of the files and problems tables', () => {
    let text = '';
    const log = createJsonLog(
      {
        write: (chunk: string) => {
          text += chunk;
        },
      },
      () => new Date('2026-03-02T10:05:00.000Z'),
    );
    log.watching(['/cases/acme']);
    log.indexed({
      path: '/cases/acme/a.json.gz',
      status: 'partial',
      eventsRead: 3,
      eventsNew: 2,
      problems: [
        { path: '/cases/acme/a.json.gz', position: 'byte 9', stage: 'decompress', reason: 'gzip data ends early' },
      ],
    });
    log.problem({
      path: '/cases/acme/a.json.gz',
      position: 'byte 9',
      stage: 'decompress',
      reason: 'gzip data ends early',
    });
    log.missing('/cases/acme/b.json.gz');
    expect(text).toBe(
      [
        '{"type":"watching","time":"2026-03-02T10:05:00.000Z","paths":["/cases/acme"]}',
        '{"type":"indexed","time":"2026-03-02T10:05:00.000Z","path":"/cases/acme/a.json.gz",' +
          '"status":"partial","events_read":3,"events_new":2,"problems":1}',
        '{"type":"problem","time":"2026-03-02T10:05:00.000Z","path":"/cases/acme/a.json.gz",' +
          '"position":"byte 9","stage":"decompress","reason":"gzip data ends early"}',
        '{"type":"missing","time":"2026-03-02T10:05:00.000Z","path":"/cases/acme/b.json.gz"}',
        '',
      ].join('\n'),
    );
  });
});
