import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { DEFAULT_LIMITS } from '../src/ingest/limits.js';
import { indexPaths } from '../src/ingest/indexer.js';
import { databaseFiles, openIndex, WAL_CHECKPOINT_PAGES } from '../src/store/db.js';
import { FileDecoder } from '../src/ingest/file-decoder.js';
import { IndexWriter, ROWS_PER_TRANSACTION } from '../src/store/ingest.js';
import type { EventBatch } from '../src/store/ingest.js';
import { runCli } from './helpers/run-cli.js';
import { indexInto, tempDir } from './helpers/temp-index.js';
import { indexHugeFile } from './helpers/huge-file.js';

function event(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2026-03-02T10:00:00Z',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RunTask',
    ...extra,
  };
}

function writeLogs(dir: string, files: number, perFile: number): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const records = Array.from({ length: perFile }, (_, i) =>
      event(`f${f}-e${i}`, { requestParameters: { cluster: `c${f}`, pad: 'x'.repeat(300) } }),
    );
    writeFileSync(
      join(dir, `log-${String(f).padStart(4, '0')}.json.gz`),
      gzipSync(JSON.stringify({ Records: records })),
    );
  }
}

/** The event batches a log file's text decodes into, as the writer receives them. */
async function decodeBatches(path: string, text: string): Promise<EventBatch[]> {
  const batches: EventBatch[] = [];
  const decoder = new FileDecoder(path, 'log', DEFAULT_LIMITS, {
    batch: (b) => batches.push(b),
    problem: () => {},
    digest: () => {},
    finish: () => {},
  });
  await decoder.run(
    (async function* () {
      yield Buffer.from(text);
    })(),
  );
  return batches;
}

function snapshot(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      files: db.prepare("SELECT replace(path, ?, '') AS path, status, events_read FROM files ORDER BY path").all(''),
      ids: (db.prepare('SELECT event_id FROM event_rows ORDER BY event_id').pluck().all() as string[]).join(','),
    };
  } finally {
    db.close();
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('storage under stress', () => {
  test('a full disk stops indexing with SQLITE_FULL; the database stays consistent; the next run ends it', async () => {
    const logs = join(tempDir(), 'logs');
    writeLogs(logs, 120, 200);
    const { dbPath: reference } = await indexInto([logs]);
    const pages = new Database(reference, { readonly: true }).pragma('page_count', { simple: true }) as number;

    const dbPath = join(tempDir(), 'full.db');
    const index = openIndex(dbPath);
    // A database that may not grow past half its final size behaves as a disk that fills up mid-run.
    index.db.pragma(`max_page_count = ${Math.floor(pages / 2)}`);
    await expect(
      indexPaths([logs], new IndexWriter(index.db), {
        limits: DEFAULT_LIMITS,
        workers: 0,
        exclude: databaseFiles(dbPath),
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    index.close();

    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const done = db.prepare("SELECT id, events_read FROM files WHERE status = 'done'").all() as {
      id: number;
      events_read: number;
    }[];
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(120);
    for (const file of done)
      expect(db.prepare('SELECT count(*) FROM event_rows WHERE file_id = ?').pluck().get(file.id)).toBe(
        file.events_read,
      );
    db.close();

    const { summary } = await indexInto([logs], { dbPath });
    expect(summary.filesRead).toBe(120 - done.length);
    expect(snapshot(dbPath)).toEqual(snapshot(reference));
  });

  test('the CLI names a full disk and how to resume', async () => {
    const { describeWriteFailure } = await import('../src/store/db.js');
    const error = describeWriteFailure(
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      'case.db',
    );
    expect(error?.what).toBe('the disk holding case.db is full');
    expect(error?.help).toMatch(/run the same command again/);
    expect(describeWriteFailure(new Error('other'), 'case.db')).toBeNull();
  });

  test('a corrupt database is refused with a clear error and never rewritten', async () => {
    const logs = join(tempDir(), 'logs');
    writeLogs(logs, 5, 200);
    const { dbPath } = await indexInto([logs]);
    // Every page after the schema page overwritten: the file opens, its tables cannot be read.
    const fd = openSync(dbPath, 'r+');
    const size = readFileSync(dbPath).length;
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    const before = sha256(dbPath);
    for (const args of [
      ['sql', 'SELECT count(*) FROM events'],
      ['search', 'action:RunTask'],
      ['index', logs],
    ]) {
      const result = runCli([...args, '--db', dbPath]);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(/corrupt|malformed|not a trailhound database/);
      expect(result.stderr).not.toMatch(/unexpected failure/);
    }
    expect(sha256(dbPath)).toBe(before);
  });

  test('a file with more events than one transaction holds commits in parts, unfinished until its end', async () => {
    const eventCount = ROWS_PER_TRANSACTION * 2 + 500;
    const text = JSON.stringify({ Records: Array.from({ length: eventCount }, (_, i) => event(`big-${i}`)) });
    const batches = await decodeBatches('big.json', text);
    const dbPath = join(tempDir(), 'index.db');
    const index = openIndex(dbPath);
    const writer = new IndexWriter(index.db);
    const reader = new Database(dbPath, { readonly: true });
    try {
      const fileId = writer.beginFile('/logs/big.json', text.length, 1);
      let fed = 0;
      let committedMidFile = 0;
      for (const batch of batches) {
        writer.addBatch(fileId, batch);
        fed += batch.rows.length;
        const visible = reader.prepare('SELECT count(*) FROM event_rows').pluck().get() as number;
        expect(fed - visible).toBeLessThan(ROWS_PER_TRANSACTION);
        if (visible > 0 && fed < eventCount) {
          committedMidFile++;
          expect(reader.prepare('SELECT status FROM files WHERE id = ?').pluck().get(fileId)).toBe('indexing');
        }
      }
      expect(fed).toBe(eventCount);
      expect(committedMidFile).toBeGreaterThan(0);
    } finally {
      reader.close();
      index.close();
    }
  });

  test(
    'a long load keeps the WAL bounded:' +
      ' SQLite copies it into the database once it holds WAL_CHECKPOINT_PAGES pages',
    async () => {
      const eventCount = ROWS_PER_TRANSACTION * 4;
      const text = JSON.stringify({
        Records: Array.from({ length: eventCount }, (_, i) =>
          event(`wal-${i}`, { requestParameters: { pad: `p${i} `.repeat(40) } }),
        ),
      });
      const batches = await decodeBatches('wal.json', text);
      const walAfterLoad = (checkpointPages: number | null) => {
        const dbPath = join(tempDir(), 'index.db');
        const index = openIndex(dbPath);
        try {
          expect(index.db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_CHECKPOINT_PAGES);
          // Scaled down from 256 MB, so that the test writes megabytes; 0 is "never", as before.
          index.db.pragma(`wal_autocheckpoint = ${checkpointPages ?? 0}`);
          const writer = new IndexWriter(index.db);
          const fileId = writer.beginFile('/logs/wal.json', text.length, 1);
          for (const batch of batches) writer.addBatch(fileId, batch);
          writer.commit();
          return statSync(`${dbPath}-wal`).size;
        } finally {
          index.close();
        }
      };
      const pageBytes = 4096;
      const unbounded = walAfterLoad(null);
      const bounded = walAfterLoad(256);
      // Each commit appends the pages it touched; checkpointed, the WAL starts over and holds about one transaction.
      expect(unbounded).toBeGreaterThan(bounded * 2.5);
      expect(bounded).toBeLessThan(unbounded / 2);
      expect(bounded).toBeGreaterThan(256 * pageBytes);
    },
  );

  test('a single 512 MB file streams through in bounded memory; the events around a huge value are kept', () => {
    // Larger than the memory bound, so a reader that held the file whole would fail; test/thorough/huge-file runs 2 GB.
    indexHugeFile(512 * 1024 ** 2);
  }, 240_000);
});
