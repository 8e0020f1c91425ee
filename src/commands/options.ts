import type { Argv } from 'yargs';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
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

/**
 * A `--db` that names a folder, or sits in a folder that does not exist, is a typo: said as such
 * here rather than as SQLite's "unable to open database file" or a failure to create the lock file.
 */
export function checkDatabasePath(path: string): string {
  const kind = kindOf(path);
  if (kind === 'folder') {
    throw new UserError('bad --db', `${path} is a folder, not a database file`, ExitCode.usage, `name a file in it: --db ${join(path, DEFAULT_DB)}`);
  }
  const folder = dirname(resolve(path));
  if (kind === 'missing' && kindOf(folder) !== 'folder') {
    throw new UserError('bad --db', `the folder ${folder} does not exist`, ExitCode.usage, `create it first (mkdir -p ${folder}), or give --db a file in an existing folder`);
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
