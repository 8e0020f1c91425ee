import type { Argv } from 'yargs';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { OUTPUT_FORMATS } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';

export const DEFAULT_DB = 'trailhound.db';

/** `--db`, shared by every command: the index file, `TRAILHOUND_DB` or ./trailhound.db. */
/**
 * Documents `--query-file`, which commands/arguments.ts reads before yargs (the file's text becomes
 * the query argument).
 */
export function withQueryFile<T>(yargs: Argv<T>) {
  return yargs.option('query-file', {
    type: 'string',
    describe: 'read the query from this file (- for standard input): an IoC list longer than a command line holds',
  });
}

export function withDatabase<T>(yargs: Argv<T>) {
  return yargs.option('db', {
    type: 'string',
    describe: 'the SQLite index file',
    default: process.env['TRAILHOUND_DB'] || DEFAULT_DB,
    defaultDescription: '$TRAILHOUND_DB or ./trailhound.db',
  });
}

/**
 * A `--db` that names a folder, or sits in a folder that does not exist, is a typo: said as such
 * here rather than as SQLite's "unable to open database file" or a failure to create the lock file.
 */
export function checkDatabasePath(path: string): string {
  const kind = kindOf(path);
  if (kind === 'folder') {
    throw new UserError({
      what: 'bad --db',
      reason: `${path} is a folder, not a database file`,
      help: `name a file in it: --db ${join(path, DEFAULT_DB)}`,
      exitCode: ExitCode.usage,
    });
  }
  const folder = dirname(resolve(path));
  if (kind === 'missing' && kindOf(folder) !== 'folder') {
    throw new UserError({
      what: 'bad --db',
      reason: `the folder ${folder} does not exist`,
      help: `create it first (mkdir -p ${folder}), or give --db a file in an existing folder`,
      exitCode: ExitCode.usage,
    });
  }
  return path;
}

function kindOf(path: string): 'folder' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing'; // or unreadable: opening it reports the real reason
  }
}

/** `--format`, defined once for every command whose output is data (STYLE.md). */
export function withFormat<T>(yargs: Argv<T>) {
  return yargs.option('format', {
    choices: OUTPUT_FORMATS as readonly OutputFormat[],
    describe: 'output format: table for people, json/ndjson/csv for programs',
    default: 'table' as OutputFormat,
  });
}

/** Peak RSS that indexing must stay under with the default settings (issue 13). */
export const MEMORY_BUDGET_MB = 400;
/**
 * Measured on files of large records (12 gzip files of 200 records of 100 KB, /tmp/mem13 in
 * /work/notes/issue-13.md): one decoding thread peaked at 363 MB, four at 740 MB, so each thread
 * beyond the first adds about 126 MB (a file of up to 16 MB read whole, its inflated bytes, and up to
 * 128 batches the writer has not stored yet).
 */
const FIRST_WORKER_PEAK_MB = 363;
export const WORKER_MB = 126;

/**
 * Decoding threads by default: cores - 1 (one core is the writer's; a second decoding thread on a
 * 2-core machine slowed it, measured), but no more than the memory budget holds, whatever the cores.
 */
export function defaultWorkerCount(cores: number): number {
  const byCores = Math.max(1, cores - 1);
  const byMemory = 1 + Math.floor((MEMORY_BUDGET_MB - FIRST_WORKER_PEAK_MB) / WORKER_MB);
  return Math.min(byCores, byMemory);
}

/** `--workers`, for the commands that index: decoding threads beside the one writer. */
export function withWorkers<T>(yargs: Argv<T>) {
  const workers = defaultWorkerCount(availableParallelism());
  return yargs.option('workers', {
    type: 'number',
    default: workers,
    defaultDescription: `${workers}: cores - 1, within a ${MEMORY_BUDGET_MB} MB memory budget`,
    describe:
      'threads that decode files while the main thread writes; 0 decodes on the main thread; ' +
      `each thread may hold ~${WORKER_MB} MB on files of large records`,
  });
}
