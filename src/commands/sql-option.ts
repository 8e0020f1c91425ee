import type { Argv } from 'yargs';
import { ExitCode } from '../errors.js';
import type { OutputFormat } from '../present/format.js';
import type { SqlPart } from '../search/sql-part.js';

/** `--sql`, the same on every command that runs a statement over the index (STYLE.md). */
export function withSqlOption<T>(yargs: Argv<T>) {
  return yargs.option('sql', {
    type: 'boolean',
    default: false,
    describe: 'print the SQL statement and its parameters instead of running it',
  });
}

/**
 * The statement as `trailhound sql --params` takes it, and runs nothing: user values stay bound,
 * never spliced. json and ndjson print one object; the other formats SQL and a comment naming the
 * `--params` value, quoted for a POSIX shell.
 */
export function printStatement(statement: SqlPart, format: OutputFormat): number {
  if (format === 'json' || format === 'ndjson')
    process.stdout.write(`${JSON.stringify({ sql: statement.sql, params: statement.params })}\n`);
  else
    process.stdout.write(
      `${statement.sql};\n-- --params '${JSON.stringify(statement.params).replace(/'/g, "'\\''")}'\n`,
    );
  return ExitCode.done;
}
