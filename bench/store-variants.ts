import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { toTrailEvent } from '../src/normalize/event.js';
import { toSearchRow } from '../src/store/ingest.js';
import { listFiles } from './measure.js';

/**
 * `node dist/bench/store-variants.js --corpus DIR [--events N]`: the writer's storage choices of
 * issue 16 timed in isolation, on the search rows and records of a bench corpus held in memory, so
 * that only SQLite's work is measured (one thread, no decoding). Each variant writes a fresh
 * database in transactions of 20,000 rows, as the indexer does.
 */
const { values } = parseArgs({
  options: { corpus: { type: 'string' }, events: { type: 'string', default: '200000' } },
});
const limit = Number(values.events);
const ROWS_PER_TRANSACTION = 20_000;

interface Sample {
  readonly searchRows: string[][];
  readonly records: string[];
}

function loadSample(corpus: string): Sample {
  const searchRows: string[][] = [];
  const records: string[] = [];
  for (const path of listFiles(join(corpus, 'AWSLogs'))
    .filter((file) => file.endsWith('.json.gz'))
    .sort()) {
    for (const record of (
      JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: Record<string, unknown>[] }
    ).Records) {
      const text = JSON.stringify(record);
      searchRows.push(toSearchRow(toTrailEvent(record)));
      records.push(text);
      if (records.length >= limit) return { searchRows, records };
    }
  }
  return { searchRows, records };
}

const FTS_COLUMNS = 'action, identity, network, request, response, error, resources';

interface Variant {
  readonly name: string;
  readonly ftsOptions: string;
  /** Statements run after the table exists and before the load. */
  readonly before?: string;
  /** Run once after the load (a final merge). */
  readonly after?: string;
  readonly journal?: 'WAL' | 'OFF';
}

const FTS_VARIANTS: readonly Variant[] = [
  { name: 'FTS5 as shipped (detail=full, automerge 4, crisismerge 16)', ftsOptions: "content = '', columnsize = 0" },
  {
    name: 'FTS5 automerge off + crisismerge 64 while loading, one merge at the end',
    ftsOptions: "content = '', columnsize = 0",
    before:
      "INSERT INTO fts(fts, rank) VALUES ('automerge', 0); INSERT INTO fts(fts, rank) VALUES ('crisismerge', 64);",
    after: "INSERT INTO fts(fts, rank) VALUES ('merge', -2000);",
  },
  {
    name: 'FTS5 automerge 8 while loading',
    ftsOptions: "content = '', columnsize = 0",
    before: "INSERT INTO fts(fts, rank) VALUES ('automerge', 8);",
  },
  { name: 'FTS5 detail=column', ftsOptions: "content = '', columnsize = 0, detail = column" },
  {
    name: 'FTS5 as shipped, without WAL (journal_mode OFF)',
    ftsOptions: "content = '', columnsize = 0",
    journal: 'OFF',
  },
];

function timeFts(sample: Sample, variant: Variant, dir: string): string {
  const path = join(dir, `${FTS_VARIANTS.indexOf(variant)}.db`);
  const db = new Database(path);
  db.pragma('page_size = 16384');
  db.pragma(`journal_mode = ${variant.journal ?? 'WAL'}`);
  db.pragma('synchronous = NORMAL');
  db.exec(
    `CREATE VIRTUAL TABLE fts USING fts5(${FTS_COLUMNS}, ${variant.ftsOptions}, ` +
      'tokenize = "unicode61 remove_diacritics 0")',
  );
  if (variant.before) db.exec(variant.before);
  const insert = db.prepare(`INSERT INTO fts(rowid, ${FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const started = process.hrtime.bigint();
  writeInTransactions(db, sample.searchRows.length, (i) => insert.run(i + 1, ...sample.searchRows[i]!));
  const loaded = process.hrtime.bigint();
  if (variant.after) db.exec(variant.after);
  const merged = process.hrtime.bigint();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const perEvent = (from: bigint, to: bigint) => (Number(to - from) / 1e3 / sample.searchRows.length).toFixed(1);
  const total = perEvent(started, merged);
  const load = perEvent(started, loaded);
  const finalMerge = perEvent(loaded, merged);
  const megabytes = (statSync(path).size / 1e6).toFixed(0);
  return `${variant.name}: ${total} us/event (load ${load}, final merge ${finalMerge}), ${megabytes} MB`;
}

/** The unique eventID index: random UUIDs land all over its B-tree. */
function timeEventIdIndex(sample: Sample, dir: string, unique: boolean): string {
  const path = join(dir, `ids-${unique}.db`);
  const db = new Database(path);
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('cache_size = -65536');
  db.exec('CREATE TABLE r (id INTEGER PRIMARY KEY, event_id TEXT, record BLOB)');
  if (unique) db.exec('CREATE UNIQUE INDEX r_event_id ON r(event_id)');
  const insert = db.prepare('INSERT OR IGNORE INTO r(event_id, record) VALUES (?, ?)');
  const started = process.hrtime.bigint();
  writeInTransactions(db, sample.records.length, (i) => insert.run(randomUUID(), sample.records[i]!));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  const usPerEvent = ((seconds * 1e6) / sample.records.length).toFixed(1);
  return `row + record insert ${unique ? 'with' : 'without'} the unique event_id index: ${usPerEvent} us/event`;
}

function writeInTransactions(db: Database.Database, count: number, write: (i: number) => void): void {
  for (let start = 0; start < count; start += ROWS_PER_TRANSACTION) {
    db.exec('BEGIN');
    for (let i = start; i < Math.min(count, start + ROWS_PER_TRANSACTION); i++) write(i);
    db.exec('COMMIT');
  }
}

function main(): void {
  if (!values.corpus)
    throw new Error('--corpus DIR (a bench corpus, e.g. ~/.cache/trailhound-bench/corpus-1000000) is required');
  const sample = loadSample(values.corpus);
  process.stdout.write(`${sample.records.length} events in memory\n`);
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-variants-'));
  try {
    for (const variant of FTS_VARIANTS) process.stdout.write(`${timeFts(sample, variant, dir)}\n`);
    process.stdout.write(`${timeEventIdIndex(sample, dir, false)}\n${timeEventIdIndex(sample, dir, true)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
