import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { copySamplesIndex } from './helpers/samples.js';
import { openIndex, openReadOnly, readOnlyOpenMode } from '../src/store/db.js';
import { ExcludedPaths, partialDownloadReason } from '../src/watch/partial-download.js';
import { defaultWorkerCount } from '../src/commands/options.js';

/**
 * Issue 13: one writer however the path is spelled, read-only evidence, watch reads what index reads, bounded memory.
 */

const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));
const samples = fileURLToPath(new URL('../samples/AWSLogs/', import.meta.url));
const WAIT_MS = 60_000;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `watch --json-log` in `cwd`, resolved once its catch-up scan is done; its log lines so far. */
async function startWatch(
  args: readonly string[],
  cwd: string,
): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, [bin, 'watch', ...args, '--json-log', '--workers', '0'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', TRAILHOUND_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    for (const part of parts) lines.push(JSON.parse(part));
  });
  await until(() => lines.some((line) => line['type'] === 'watching'), 'the watch to catch up');
  return { child, lines };
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const event = (n: number) =>
  JSON.stringify({ eventTime: '2026-03-02T10:00:00Z', eventName: 'RunTask', eventID: `access-${n}` });

describe('one writer, however the path is spelled (issue 13, item 5)', () => {
  test('a symlinked, a ./ and a relative --db are refused while watch writes the real file', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    cpSync(join(samples, '444455556666', 'CloudTrail', 'eu-west-1'), logs, { recursive: true });
    const watch = await startWatch([logs, '--db', join(dir, 'case.db')], dir);
    symlinkSync(join(dir, 'case.db'), join(dir, 'link.db'));
    const refusal = (db: string) =>
      [
        `error: cannot write to ${db}`,
        ` reason: it is already being indexed by PID ${watch.child.pid}`,
        '   help: wait for that process, or search the database read-only meanwhile',
        '',
      ].join('\n');
    for (const [db, cwd] of [
      [join(dir, 'link.db'), dir],
      ['./case.db', dir],
      ['../case.db', logs],
      ['link.db', dir],
    ] as const) {
      expect(runCli(['index', logs, '--db', db], { cwd })).toEqual({ status: 1, stdout: '', stderr: refusal(db) });
    }
    expect(watch.child.exitCode).toBe(null);
  });
});

describe('read-only evidence (issue 13, item 6)', () => {
  /** An index in a write-protected folder, as an examiner keeps an evidence copy; and the same index, writable. */
  async function protectedCopy() {
    const writable = join(tempDir(), 'case.db');
    copySamplesIndex(writable);
    const evidence = join(tempDir(), 'evidence');
    cpSync(writable, join(evidence, 'case.db'));
    const db = join(evidence, 'case.db');
    chmodSync(db, 0o444);
    chmodSync(evidence, 0o555);
    return { writable, evidence, db };
  }

  test(
    'search, sql, summary, timeline and export answer as on a writable copy,' +
      ' and the folder is left byte for byte as it was',
    async () => {
      const { writable, evidence, db } = await protectedCopy();
      try {
        await expectSameAnswers(writable, evidence, db);
      } finally {
        chmodSync(evidence, 0o755);
      }
    },
  );

  async function expectSameAnswers(writable: string, evidence: string, db: string): Promise<void> {
    const before = { files: readdirSync(evidence), bytes: readFileSync(db).toString('hex') };
    const commands = [
      ['search', 'action:RunTask', '--format', 'json'],
      ['sql', 'SELECT count(*) AS n FROM events', '--format', 'json'],
      ['summary', '--format', 'json'],
      ['timeline', 'action:RunTask', '--format', 'json'],
    ];
    for (const command of commands) {
      const fromEvidence = runCli([...command, '--db', db]);
      const fromCopy = runCli([...command, '--db', writable]);
      expect({ command, status: fromEvidence.status, stderr: fromEvidence.stderr }).toEqual({
        command,
        status: 0,
        stderr: fromCopy.stderr,
      });
      expect(fromEvidence.stdout).toBe(fromCopy.stdout);
    }
    const out = join(tempDir(), 'export');
    expect(runCli(['export', 'action:RunTask', '--out', out, '--db', db]).status).toBe(0);
    expect(readFileSync(join(out, 'events.ndjson'), 'utf8').split('\n').length).toBe(315);
    expect({ files: readdirSync(evidence), bytes: readFileSync(db).toString('hex') }).toEqual(before);
  }

  test(
    'a folder that cannot be written is opened immutable; a writable one shared;' +
      ' one with unmoved WAL changes is refused',
    async () => {
      const dir = tempDir();
      const db = join(dir, 'case.db');
      copySamplesIndex(db);
      expect(readOnlyOpenMode(db, () => true)).toBe('shared');
      expect(readOnlyOpenMode(db, () => false)).toBe('immutable');
      chmodSync(dir, 0o555);
      try {
        expect(readOnlyOpenMode(db)).toBe('immutable');
      } finally {
        chmodSync(dir, 0o755);
      }
      // A writer that has committed but not checkpointed leaves the changes in case.db-wal.
      const writer = openIndex(db);
      writer.db.exec("INSERT INTO problems(path, stage, reason, created_at) VALUES ('x', 'read', 'y', 'z')");
      expect(() => readOnlyOpenMode(db, () => false)).toThrow(
        'its folder is read-only and it has changes not yet moved into the database file',
      );
      writer.close();
      const reader = openReadOnly(db);
      expect(reader.prepare('SELECT count(*) AS n FROM problems').get()).toEqual({ n: 1 });
      reader.close();
    },
  );
});

describe('watch reads what index reads (issue 13, item 7)', () => {
  test.each([
    ['111122223333_CloudTrail_us-east-1_20260302T1005Z_abcdef0123456789.json.gz.3fA9b0C1', 'aws s3 sync/cp'],
    ['x.json.gz.deadBEEF', 'aws s3 sync/cp'],
    ['.x.json.gz.Ab12Cd', 'rsync'],
    ['x.json.gz.0123abcd.partial', 'rclone'],
    ['x.json.gz_.gstmp', 'gsutil or gcloud storage'],
    ['.azDownload-3f2a9c1e-7d4b-4e8f-9a0b-1c2d3e4f5a6b-x.json.gz', 'azcopy'],
    ['x.json.gz.crdownload', 'browser'],
    ['x.json.gz.part', 'browser'],
  ])('%s is a temporary name of %s', (name, tool) => {
    expect(partialDownloadReason(join('/cases', name))).toContain(tool);
  });

  test.each([
    'export.20260301',
    'x.deadbeef',
    '111122223333_CloudTrail_us-east-1_20260302T1005Z_abcdef0123456789.json.gz',
    'x.json',
    'x.jsonl',
    'case.zip',
    'x.json.gz.3fA9b0C',
    'notes.partial-review.json',
    '.hidden.json',
  ])('%s is a real file', (name) => {
    expect(partialDownloadReason(join('/cases', name))).toBe(null);
  });

  test('a skipped file is reported once, however often the watcher, the scan and the rescans ask', () => {
    const skipped: [string, string][] = [];
    const excluded = new ExcludedPaths(['/cases/case.db'], (path, reason) => skipped.push([path, reason]));
    const temp = '/cases/x.json.gz.3fA9b0C1';
    expect([
      excluded.has(temp),
      excluded.has(temp),
      excluded.has('/cases/case.db'),
      excluded.has('/cases/x.deadbeef'),
      excluded.has(temp),
    ]).toEqual([true, true, true, false, true]);
    expect(skipped).toEqual([
      [temp, 'a temporary name of aws s3 sync/cp (NAME.<8 hex digits>), renamed when the download ends'],
    ]);
  });

  test('watch indexes export.20260301 and x.deadbeef as index does, and lists a download under way once', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    cpSync(join(samples, '444455556666', 'CloudTrail', 'eu-west-1'), logs, { recursive: true });
    writeFileSync(join(logs, 'export.20260301'), event(1));
    writeFileSync(join(logs, 'x.deadbeef'), event(2));
    writeFileSync(join(logs, 'y.json.gz.3fA9b0C1'), event(3));
    const watch = await startWatch([logs, '--db', join(dir, 'case.db')], dir);
    writeFileSync(join(logs, 'z.json.part'), event(4));
    await until(() => watch.lines.filter((line) => line['type'] === 'skipped').length === 2, 'two skipped lines');
    const indexed = watch.lines.filter((line) => line['type'] === 'indexed').map((line) => String(line['path']));
    expect(indexed).toEqual(expect.arrayContaining([join(logs, 'export.20260301'), join(logs, 'x.deadbeef')]));
    const skipped = watch.lines.filter((line) => line['type'] === 'skipped').map(({ time: _time, ...rest }) => rest);
    expect(skipped).toEqual([
      {
        type: 'skipped',
        path: join(logs, 'y.json.gz.3fA9b0C1'),
        reason: 'a temporary name of aws s3 sync/cp (NAME.<8 hex digits>), renamed when the download ends',
      },
      { type: 'skipped', path: join(logs, 'z.json.part'), reason: 'a browser download in progress (.part)' },
    ]);
    const byIndex = runCli([
      'sql',
      "SELECT event_id FROM events WHERE event_id LIKE 'access-%' ORDER BY 1",
      '--format',
      'json',
      '--db',
      join(dir, 'case.db'),
    ]);
    expect(JSON.parse(byIndex.stdout)).toEqual([{ event_id: 'access-1' }, { event_id: 'access-2' }]);
  });
});

describe('memory bounded on any machine (issue 13, item 8)', () => {
  test.each([
    [1, 1],
    [2, 1],
    [4, 1],
    [64, 1],
  ])('%i cores: %i decoding thread by default, within the 400 MB budget', (cores, workers) => {
    expect(defaultWorkerCount(cores)).toBe(workers);
  });
});
