import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../errors.js';
import { DEFAULT_TABLE } from '../dialects/athena.js';
import { DIALECTS } from '../dialects/render.js';
import type { DialectName } from '../dialects/render.js';
import { renderSearchStatement } from '../dialects/statement.js';

/** The options that choose the engine a `--sql` statement is written for, and where its data is. */
export interface DialectArgs {
  readonly dialect: DialectName;
  readonly from?: string | undefined;
  readonly table?: string | undefined;
}

export function withDialect<T>(yargs: Argv<T>) {
  return yargs
    .option('dialect', {
      choices: DIALECTS,
      default: 'sqlite' as DialectName,
      describe:
        "with --sql: the engine to write the statement for: trailhound's index (sqlite), " +
        'DuckDB or ClickHouse over the log files, Athena or Trino over the CloudTrail table',
    })
    .option('from', {
      type: 'string',
      describe:
        'with --dialect duckdb|clickhouse: the AWSLogs folder, a glob of .json.gz files, ' +
        'or (ClickHouse) s3://bucket/prefix',
    })
    .option('table', {
      type: 'string',
      describe:
        `with --dialect athena|trino: the CloudTrail table (default ${DEFAULT_TABLE}, ` +
        'as trailhound athena-table creates it)',
    });
}

/** Prints the statement for another engine; nothing is run. */
export function printDialectStatement(
  dialect: Exclude<DialectName, 'sqlite'>,
  args: DialectArgs & { readonly query: string; readonly sql: boolean },
  page: { readonly sort: 'newest' | 'oldest'; readonly limit: number },
): number {
  if (!args.sql)
    throw new UserError({
      what: '--dialect needs --sql',
      reason:
        'trailhound runs searches on its own index; ' +
        `--dialect ${dialect} only writes the statement for that engine`,
      help: `add --sql: trailhound search --sql --dialect ${dialect} "QUERY"`,
      exitCode: ExitCode.usage,
    });
  process.stdout.write(
    renderSearchStatement(dialect, args.query, {
      from: args.from,
      table: args.table,
      sort: page.sort,
      limit: page.limit,
    }),
  );
  return ExitCode.done;
}
