import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { indexFiles, SAMPLE_LOGS } from './index-files.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** samples/ indexed once for the whole run: suites copy it rather than index the 3,018 files again. */
    samplesIndex: string;
  }
}

/** Vitest's global setup: indexing samples/ costs 2–3 s of CPU, which fifteen suites each paid before. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-samples-index-'));
  const dbPath = join(dir, 'index.db');
  await indexFiles([SAMPLE_LOGS], dbPath);
  // Closing the last connection moves the WAL into the file; a copy of the file alone must be whole.
  if (existsSync(`${dbPath}-wal`)) throw new Error(`${dbPath}-wal is left after closing: a copy would miss it`);
  project.provide('samplesIndex', dbPath);
  return () => rmSync(dir, { recursive: true, force: true });
}
