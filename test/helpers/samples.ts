import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, inject } from 'vitest';
import { openReadOnly } from '../../src/store/db.js';
import type { SqliteDatabase } from '../../src/store/db.js';
import { SAMPLE_LOGS } from './index-files.js';

export type Rec = Record<string, any>;
export { SAMPLE_LOGS };

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

/** A writable index of samples/ at `dbPath`: a copy of the one the global setup built (samples-index-setup.ts). */
export function copySamplesIndex(dbPath: string): void {
  copyFileSync(inject('samplesIndex'), dbPath);
}

/**
 * samples/ indexed for a whole describe block, beside the raw records to check answers against; a
 * copy of its own, so a suite may write to it. temp-index.ts cleans up after every test, which a
 * shared index must outlive.
 */
export function indexSamplesForSuite(): IndexedSamples {
  const suite = {} as { -readonly [K in keyof IndexedSamples]: IndexedSamples[K] };
  beforeAll(() => {
    suite.records = sampleRecords();
    suite.dir = mkdtempSync(join(tmpdir(), 'trailhound-samples-'));
    suite.dbPath = join(suite.dir, 'index.db');
    copySamplesIndex(suite.dbPath);
    suite.db = openReadOnly(suite.dbPath);
  });
  afterAll(() => {
    suite.db?.close();
    if (suite.dir) rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
