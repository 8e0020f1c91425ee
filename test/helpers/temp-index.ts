import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import type { ReadLimits } from '../../src/ingest/limits.js';
import { indexPaths } from '../../src/ingest/indexer.js';
import type { IndexSummary } from '../../src/ingest/indexer.js';
import { databaseFiles, openIndex, openReadOnly } from '../../src/store/db.js';
import type { SqliteDatabase } from '../../src/store/db.js';
import { IndexWriter } from '../../src/store/ingest.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'trailhound-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Indexes `paths` into `dbPath` (a new temporary file by default) and returns the summary. */
export async function indexInto(
  paths: string[],
  options: { dbPath?: string; limits?: Partial<ReadLimits> } = {},
): Promise<{ summary: IndexSummary; dbPath: string }> {
  const dbPath = options.dbPath ?? join(tempDir(), 'index.db');
  const index = openIndex(dbPath);
  try {
    const summary = await indexPaths(paths, new IndexWriter(index.db), {
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      workers: 0,
      exclude: databaseFiles(dbPath),
    });
    return { summary, dbPath };
  } finally {
    index.close();
  }
}

/** Opens an index read-only for assertions; closed after the test. */
export function readIndex(dbPath: string): SqliteDatabase {
  const db = openReadOnly(dbPath);
  cleanups.push(() => db.close());
  return db;
}
