import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UserError, messageOf } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import { prepareReadOnlySql } from '../store/sql.js';
import { writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { withDatabase, withFormat, withQueryFile } from './options.js';
import { terminalWidth } from './terminal.js';

interface SqlArgs {
  readonly query: string;
  readonly db: string;
  readonly format: OutputFormat;
  readonly params: string | undefined;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql <query>',
  describe: 'Run one read-only SQL statement over the index (tables: events, files, problems, digests)',
  builder: (yargs) =>
    withFormat(withQueryFile(withDatabase(yargs as Argv<object>)))
      .positional('query', {
        type: 'string',
        demandOption: true,
        describe: 'one SELECT, WITH, VALUES, EXPLAIN or schema PRAGMA',
      })
      .option('params', {
        type: 'string',
        describe: 'values for the ?s of the statement, as a JSON array (what trailhound search --sql prints)',
      })
      .example('$0 sql "SELECT event_name, count(*) n FROM events GROUP BY 1 ORDER BY n DESC LIMIT 10"', 'top actions')
      .example(
        `$0 sql "SELECT json_extract(record, '$.requestParameters.cluster') FROM events ` +
          `WHERE event_source = 'ecs.amazonaws.com'" --format csv`,
        'any record field',
      )
      .epilog(
        'The database is opened read-only: writes, ATTACH and pragmas that change state are refused.',
      ) as unknown as Argv<SqlArgs>,
  handler: async (args) => {
    process.exitCode = await runSql(args);
  },
};

export async function runSql(args: SqlArgs): Promise<number> {
  const db = openReadOnly(args.db);
  try {
    const params = parseParams(args.params);
    const result = withParamsChecked(() => prepareReadOnlySql(db, args.query, params), params.length);
    await writeRows(args.format, result.rows, result.columns, process.stdout, { maxWidth: terminalWidth() });
    return ExitCode.done;
  } finally {
    db.close();
  }
}

/** better-sqlite3 throws a RangeError when the values do not match the statement's `?`s. */
function withParamsChecked<T>(prepare: () => T, given: number): T {
  try {
    return prepare();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const values = `${given} value${given === 1 ? '' : 's'}`;
    throw new UserError({
      what: 'bad --params',
      reason: `${messageOf(error)}: --params holds ${values}, which must match the ?s of the statement one for one`,
      help: 'give one value per ? in order, as a JSON array: --params \'["a", 1]\'',
      exitCode: ExitCode.usage,
    });
  }
}

function parseParams(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch (error) {
    throw new UserError({
      what: 'bad --params',
      reason: `not JSON: ${messageOf(error)}`,
      help: 'give a JSON array, one value per ?: --params \'["a", 1]\'',
      exitCode: ExitCode.usage,
    });
  }
  if (
    !Array.isArray(params) ||
    !params.every((value) => value === null || ['string', 'number', 'boolean'].includes(typeof value))
  ) {
    throw new UserError({
      what: 'bad --params',
      reason: 'expected a JSON array of strings, numbers, booleans or nulls',
      help: 'give a JSON array, one value per ?: --params \'["a", 1]\'',
      exitCode: ExitCode.usage,
    });
  }
  return params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
}
