import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import { prepareReadOnlySql } from '../store/sql.js';
import { writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { withDatabase, withFormat } from './options.js';

interface SqlArgs {
  readonly query: string;
  readonly db: string;
  readonly format: OutputFormat;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql <query>',
  describe: 'Run one read-only SQL statement over the index (tables: events, files, problems, digests)',
  builder: (yargs) =>
    withFormat(withDatabase(yargs as Argv<object>))
      .positional('query', { type: 'string', demandOption: true, describe: 'one SELECT, WITH, VALUES, EXPLAIN or schema PRAGMA' })
      .example('$0 sql "SELECT event_name, count(*) n FROM events GROUP BY 1 ORDER BY n DESC LIMIT 10"', 'top actions')
      .example(`$0 sql "SELECT json_extract(record, '$.requestParameters.cluster') FROM events WHERE event_source = 'ecs.amazonaws.com'" --format csv`, 'any record field')
      .epilog('The database is opened read-only: writes, ATTACH and pragmas that change state are refused.') as unknown as Argv<SqlArgs>,
  handler: async (args) => {
    process.exitCode = await runSql(args);
  },
};

export async function runSql(args: SqlArgs): Promise<number> {
  const db = openReadOnly(args.db);
  try {
    const result = prepareReadOnlySql(db, args.query);
    await writeRows(args.format, result.rows, result.columns, process.stdout, { maxWidth: terminalWidth() });
    return ExitCode.done;
  } finally {
    db.close();
  }
}

function terminalWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns ?? 80 : Number.POSITIVE_INFINITY;
}
