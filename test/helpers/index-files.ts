import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import type { ReadLimits } from '../../src/ingest/limits.js';
import { indexPaths } from '../../src/ingest/indexer.js';
import type { IndexSummary } from '../../src/ingest/indexer.js';
import { databaseFiles, openIndex } from '../../src/store/db.js';
import { IndexWriter } from '../../src/store/ingest.js';

export const SAMPLE_LOGS = new URL('../../samples/AWSLogs', import.meta.url).pathname;

/**
 * Indexes `paths` into `dbPath` in this process, as `trailhound index` does, on the main thread.
 * It imports nothing from vitest, so the global setup can call it before any test runs.
 */
export async function indexFiles(
  paths: string[],
  dbPath: string,
  limits: Partial<ReadLimits> = {},
): Promise<IndexSummary> {
  const index = openIndex(dbPath);
  try {
    return await indexPaths(paths, new IndexWriter(index.db), {
      limits: { ...DEFAULT_LIMITS, ...limits },
      workers: 0,
      exclude: databaseFiles(dbPath),
    });
  } finally {
    index.close();
  }
}
