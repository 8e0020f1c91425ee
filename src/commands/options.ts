import type { Argv } from 'yargs';
import { availableParallelism } from 'node:os';
import { OUTPUT_FORMATS } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';

export const DEFAULT_DB = 'trailhound.db';

/** `--db`, shared by every command: the index file, `TRAILHOUND_DB` or ./trailhound.db. */
export function withDatabase<T>(yargs: Argv<T>) {
  return yargs.option('db', {
    type: 'string',
    describe: 'the SQLite index file',
    default: process.env['TRAILHOUND_DB'] || DEFAULT_DB,
    defaultDescription: '$TRAILHOUND_DB or ./trailhound.db',
  });
}

/** `--format`, defined once for every command whose output is data (STYLE.md). */
export function withFormat<T>(yargs: Argv<T>) {
  return yargs.option('format', {
    choices: OUTPUT_FORMATS as readonly OutputFormat[],
    describe: 'output format: table for people, json/ndjson/csv for programs',
    default: 'table' as OutputFormat,
  });
}

/** `--workers`, for the commands that index: decoding threads beside the one writer. */
export function withWorkers<T>(yargs: Argv<T>) {
  return yargs.option('workers', {
    type: 'number',
    // One core is the writer's: a second decoding thread on a 2-core machine slowed it (measured).
    default: Math.max(1, availableParallelism() - 1),
    defaultDescription: 'cores - 1',
    describe: 'threads that decode files while the main thread writes; 0 decodes on the main thread',
  });
}
