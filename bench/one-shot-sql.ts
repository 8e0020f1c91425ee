import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { runTimed } from './measure.js';
import { line } from './report.js';
import type { BenchLine } from './report.js';

/**
 * Issue 16, item 2: a one-shot full scan with `trailhound sql` against DuckDB answering the same
 * question straight from the raw .json.gz files (read_json + unnest(Records), 2 threads, as a user
 * without an index would). Both sides are timed from a cold start of their process or instance.
 */
interface Question {
  readonly name: string;
  readonly trailhound: string;
  /** `{files}` becomes the glob of the raw log files. */
  readonly duckdb: string;
}

/**
 * The raw files hold re-delivered copies (the same eventID twice); the index stores each event once,
 * so DuckDB keeps the first copy of each eventID too, or the counts would not be the same answer.
 */
const RAW_EVENTS = (fields: string) =>
  `(SELECT r.eventID, ${fields} ` +
  "FROM (SELECT unnest(Records) AS r FROM read_json('{files}', columns = {Records: '{type}'})) " +
  'QUALIFY row_number() OVER (PARTITION BY r.eventID) = 1)';

const QUESTIONS: readonly Question[] = [
  {
    name: 'GROUP BY user_agent',
    trailhound: 'SELECT user_agent, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3',
    duckdb:
      'SELECT user_agent, count(*) AS n FROM ' +
      RAW_EVENTS('r.userAgent AS user_agent').replace('{type}', 'STRUCT(eventID VARCHAR, userAgent VARCHAR)[]') +
      ' GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3',
  },
  {
    name: "request_parameters LIKE '%prod%'",
    trailhound: "SELECT count(*) AS n FROM events WHERE request_parameters LIKE '%prod%'",
    duckdb:
      'SELECT count(*) AS n FROM ' +
      RAW_EVENTS('CAST(r.requestParameters AS VARCHAR) AS p').replace(
        '{type}',
        'STRUCT(eventID VARCHAR, requestParameters JSON)[]',
      ) +
      " WHERE p LIKE '%prod%'",
  },
  {
    name: "json_extract(record, '$.tlsDetails.tlsVersion')",
    trailhound:
      "SELECT json_extract(record, '$.tlsDetails.tlsVersion') AS v, count(*) AS n FROM events " +
      'GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3',
    duckdb:
      "SELECT json_extract_string(r, '$.tlsDetails.tlsVersion') AS v, count(*) AS n " +
      "FROM (SELECT json_extract_string(r, '$.eventID') AS eventID, r " +
      "FROM (SELECT unnest(Records) AS r FROM read_json('{files}', columns = {Records: 'JSON[]'})) " +
      'QUALIFY row_number() OVER (PARTITION BY eventID) = 1) ' +
      'GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3',
  },
];

export async function oneShotSql(dbPath: string, corpusDir: string): Promise<BenchLine[]> {
  // Every log file at any depth: org trails add an o-… folder above the account.
  const files = join(corpusDir, 'AWSLogs', '**', '*.json.gz');
  const lines: BenchLine[] = [];
  for (const question of QUESTIONS) {
    const ours = runTimed(['sql', question.trailhound, '--format', 'json', '--db', dbPath]);
    const theirs = await timeDuckDb(question.duckdb.replaceAll('{files}', files));
    const same =
      JSON.stringify(normalise(JSON.parse(ours.stdout) as Record<string, unknown>[])) ===
      JSON.stringify(normalise(theirs.rows));
    const mismatchNote = same ? '' : ' (ANSWERS DIFFER)';
    lines.push(
      line(
        `sql ${question.name}`,
        `${ours.seconds.toFixed(2)} s; DuckDB on raw files ${theirs.seconds.toFixed(2)} s${mismatchNote}`,
        '<= DuckDB',
        same && ours.seconds <= theirs.seconds,
      ),
    );
  }
  return lines;
}

async function timeDuckDb(sql: string): Promise<{ seconds: number; rows: Record<string, unknown>[] }> {
  const started = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(sql);
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  connection.closeSync();
  instance.closeSync();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows };
}

/** Both answers as plain arrays of values: DuckDB returns counts as bigint, SQLite as number. */
function normalise(rows: readonly Record<string, unknown>[]): unknown[][] {
  return rows.map((row) => Object.values(row).map((value) => (typeof value === 'bigint' ? Number(value) : value)));
}
