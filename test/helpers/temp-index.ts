import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { ReadLimits } from '../../src/ingest/limits.js';
import type { IndexSummary } from '../../src/ingest/indexer.js';
import { openReadOnly } from '../../src/store/db.js';
import type { SqliteDatabase } from '../../src/store/db.js';
import { indexFiles } from './index-files.js';

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
  return { summary: await indexFiles(paths, dbPath, options.limits), dbPath };
}

/** Opens an index read-only for assertions; closed after the test. */
export function readIndex(dbPath: string): SqliteDatabase {
  const db = openReadOnly(dbPath);
  cleanups.push(() => db.close());
  return db;
}
