import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import { compileCommandQuery } from './query.js';
import { SUMMARY_DIMENSIONS, summarize, summaryColumns, summaryStatement } from '../forensics/summary.js';
import { parseLimit } from '../forensics/statement.js';
import type { SummaryDimension } from '../forensics/summary.js';
import { writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { formatUserMessage } from '../present/problem.js';
import { withDatabase, withFormat, withQueryFile } from './options.js';
import { noteColumnsLeftOut, terminalWidth } from './terminal.js';
import { printStatement, withSqlOption } from './sql-option.js';

interface SummaryArgs {
  readonly query: string;
  readonly db: string;
  readonly format: OutputFormat;
  readonly by: SummaryDimension;
  readonly limit: number;
  readonly sql: boolean;
}

export const summaryCommand: CommandModule<object, SummaryArgs> = {
  command: 'summary [query]',
  describe: 'Who, from where, with which key, doing what: first and last seen and counts per group',
  builder: (yargs) =>
    withSqlOption(
      withFormat(withQueryFile(withDatabase(yargs as Argv<object>)))
        .positional('query', {
          type: 'string',
          default: '',
          describe: 'the search language, as trailhound search takes it; empty for all events',
        })
        .option('by', {
          choices: SUMMARY_DIMENSIONS,
          default: 'identity' as SummaryDimension,
          describe:
            'one row per identity (ARN, else calling service, user name or type), source IP, access key or action',
        })
        .option('limit', {
          type: 'number',
          default: 0,
          describe: 'at most this many rows, most events first (0: all)',
        }),
    )
      .example('$0 summary "ip:198.51.100.23"', 'who used this address, and how much')
      .example('$0 summary "user:ci-deploy since:2026-03-03" --by ip', 'where an identity came from')
      .example('$0 summary "error:AccessDenied*" --by action --format csv', 'what is being denied')
      .example('$0 summary "since:7d" --by ip --sql', 'the statement, to run with trailhound sql or change')
      .epilog(
        'Columns: first_seen, last_seen, events, distinct actions, source_ips and regions, errors; ' +
          'by identity also access_keys.',
      ) as unknown as Argv<SummaryArgs>,
  handler: async (args) => {
    process.exitCode = await runSummaryCommand(args);
  },
};

export async function runSummaryCommand(args: SummaryArgs): Promise<number> {
  const limit = parseLimit(args.limit);
  const compiled = compileCommandQuery(args.query);
  if (args.sql) return printStatement(summaryStatement(compiled, { by: args.by, limit }), args.format);
  const db = openReadOnly(args.db);
  try {
    const result = summarize(db, compiled, { by: args.by, limit });
    const maxWidth = args.format === 'table' ? terminalWidth() : Infinity;
    await writeRows(args.format, result.rows, summaryColumns(args.by), process.stdout, {
      maxWidth,
      onColumnsLeftOut: noteColumnsLeftOut,
    });
    if (result.truncated) {
      process.stderr.write(
        formatUserMessage('warning', {
          headline: `showing the top ${limit} rows`,
          reason: 'more groups match',
          help: 'raise --limit, or 0 for all',
        }),
      );
    }
    return ExitCode.done;
  } finally {
    db.close();
  }
}
