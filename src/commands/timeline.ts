import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import { compileCommandQuery } from './query.js';
import { buildTimeline, timelineStatement } from '../forensics/timeline.js';
import type { TimelineEntry } from '../forensics/timeline.js';
import { mapRows, parseLimit } from '../forensics/statement.js';
import { writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { shortIdentity } from '../present/event-row.js';
import { formatUserMessage } from '../present/problem.js';
import { withDatabase, withFormat, withQueryFile } from './options.js';
import { noteColumnsLeftOut, terminalWidth } from './terminal.js';
import { printStatement, withSqlOption } from './sql-option.js';

interface TimelineArgs {
  readonly query: string;
  readonly db: string;
  readonly format: OutputFormat;
  readonly limit: number;
  readonly sql: boolean;
}

/** One line per event; programs also get the eventID to find the record again. */
const TABLE_COLUMNS = ['time', 'identity', 'action', 'target', 'source_ip', 'result'] as const;
const DATA_COLUMNS = [...TABLE_COLUMNS, 'event_id'] as const;

export const timelineCommand: CommandModule<object, TimelineArgs> = {
  command: 'timeline <query>',
  describe: 'An incident in order: matching events oldest first, one condensed line each',
  builder: (yargs) =>
    withSqlOption(
      withFormat(withQueryFile(withDatabase(yargs as Argv<object>)))
        .positional('query', {
          type: 'string',
          demandOption: true,
          describe: 'the search language, as trailhound search takes it ("" for all events)',
        })
        .option('limit', { type: 'number', default: 1000, describe: 'at most this many events, the oldest (0: all)' }),
    )
      .example('$0 timeline "ip:198.51.100.23"', 'what an address did, step by step')
      .example('$0 timeline "key:AKIA4ZPBI2O6T4AHRAEB since:2026-03-03" --format csv', "a key's use, for a report")
      .example('$0 timeline "ip:198.51.100.23" --sql', 'the statement, to run with trailhound sql or change')
      .epilog(
        'Columns: time, identity (short form), action (service:Action), ' +
          'target (the cluster, bucket, user, role … named in the request, or the first resource ARN), ' +
          'source_ip, result (OK or the error code).\n' +
          'With --sql: the same events in the same order, with the columns the lines are made of ' +
          '(identity columns, request_parameters, first_resource_arn, error_code).',
      ) as unknown as Argv<TimelineArgs>,
  handler: async (args) => {
    process.exitCode = await runTimelineCommand(args);
  },
};

export async function runTimelineCommand(args: TimelineArgs): Promise<number> {
  const limit = parseLimit(args.limit);
  const compiled = compileCommandQuery(args.query);
  if (args.sql) return printStatement(timelineStatement(compiled, limit), args.format);
  const db = openReadOnly(args.db);
  try {
    const timeline = buildTimeline(db, compiled, { limit });
    const table = args.format === 'table';
    await writeRows(
      args.format,
      mapRows(timeline.rows, toTimelineRow),
      table ? TABLE_COLUMNS : DATA_COLUMNS,
      process.stdout,
      { maxWidth: table ? terminalWidth() : Infinity, onColumnsLeftOut: noteColumnsLeftOut },
    );
    if (timeline.truncated) {
      process.stderr.write(
        formatUserMessage('warning', {
          headline: `showing the oldest ${limit} matching events`,
          reason: 'more events match',
          help: 'raise --limit (0 for all), or narrow the query with since: and until:',
        }),
      );
    }
    return ExitCode.done;
  } finally {
    db.close();
  }
}

function toTimelineRow(entry: TimelineEntry): Record<(typeof DATA_COLUMNS)[number], string | null> {
  return {
    time: entry.event_time,
    identity: shortIdentity(entry),
    action: entry.action,
    target: entry.target,
    source_ip: entry.source_ip_address,
    result: entry.result,
    event_id: entry.event_id,
  };
}
