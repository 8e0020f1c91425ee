import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { openReadOnly } from '../../src/store/db.js';
import type { SqliteDatabase } from '../../src/store/db.js';
import { indexInto } from './temp-index.js';

export type Rec = Record<string, any>;
export const SAMPLE_LOGS = new URL('../../samples/AWSLogs', import.meta.url).pathname;

/** The samples' records, read straight from the files with no trailhound code, one per eventID. */
export function sampleRecords(): Rec[] {
  const byId = new Map<string, Rec>();
  for (const entry of readdirSync(SAMPLE_LOGS, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.parentPath.includes('/CloudTrail/')) continue;
    for (const record of JSON.parse(gunzipSync(readFileSync(join(entry.parentPath, entry.name))).toString()).Records)
      byId.set(record.eventID, record);
  }
  return [...byId.values()];
}

export interface IndexedSamples {
  readonly db: SqliteDatabase;
  readonly dbPath: string;
  readonly records: Rec[];
  /** A scratch folder that lives as long as the suite, beside the database. */
  readonly dir: string;
}

/**
 * samples/ indexed once for a whole describe block, beside the raw records to check answers
 * against (temp-index.ts cleans up after every test, which a shared index must outlive).
 */
export function indexSamplesForSuite(): IndexedSamples {
  const suite = {} as { -readonly [K in keyof IndexedSamples]: IndexedSamples[K] };
  beforeAll(async () => {
    suite.records = sampleRecords();
    suite.dir = mkdtempSync(join(tmpdir(), 'trailhound-samples-'));
    suite.dbPath = (await indexInto([SAMPLE_LOGS], { dbPath: join(suite.dir, 'index.db') })).dbPath;
    suite.db = openReadOnly(suite.dbPath);
  }, 60_000);
  afterAll(() => {
    suite.db?.close();
    if (suite.dir) rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
