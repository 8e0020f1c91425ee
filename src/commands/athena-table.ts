import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { DEFAULT_TABLE } from '../dialects/athena.js';
import { athenaTableStatement, DEFAULT_REGIONS } from '../dialects/athena-table.js';

interface AthenaTableArgs {
  readonly bucket: string;
  readonly prefix: string | undefined;
  readonly org: string | undefined;
  readonly account: string[] | undefined;
  readonly region: string[] | undefined;
  readonly table: string | undefined;
  readonly 'first-day': string;
}

export const athenaTableCommand: CommandModule<object, AthenaTableArgs> = {
  command: 'athena-table',
  describe:
    "Print the Athena CREATE EXTERNAL TABLE for a trail's bucket, with projected account, region and day partitions",
  builder: (yargs) =>
    (yargs as Argv<object>)
      .option('bucket', { type: 'string', demandOption: true, describe: 'the S3 bucket the trail delivers to' })
      .option('prefix', {
        type: 'string',
        describe: "the trail's key prefix, if it has one (the part before AWSLogs/)",
      })
      .option('org', { type: 'string', describe: 'the organization id of an organization trail (o-…)' })
      .option('account', {
        type: 'string',
        array: true,
        describe: "an account to project (repeatable); without it every query must say account = '…'",
      })
      .option('region', {
        type: 'string',
        array: true,
        describe: 'a region to project (repeatable)',
        defaultDescription: 'every commercial region',
      })
      .option('table', {
        type: 'string',
        describe: `the table name (default ${DEFAULT_TABLE}, what search --dialect athena reads)`,
      })
      .option('first-day', { type: 'string', default: '2013/11/01', describe: 'the first day of logs, yyyy/MM/dd' })
      .example(
        '$0 athena-table --bucket acme-trail --org o-a1b2c3d4e5 --account 111122223333 --account 444455556666',
        'an organization trail',
      )
      .example('$0 search --sql --dialect athena "user:ci-deploy since:2026-03-03"', 'then a search over it')
      .epilog(
        'Paste the statement into the Athena console (or aws athena start-query-execution). ' +
          'search --sql --dialect athena filters its "timestamp" partition from since:/until:.',
      ) as unknown as Argv<AthenaTableArgs>,
  handler: (args) => {
    process.stdout.write(
      athenaTableStatement({
        bucket: args.bucket,
        prefix: args.prefix,
        org: args.org,
        accounts: args.account ?? [],
        regions: args.region ?? DEFAULT_REGIONS,
        table: args.table,
        firstDay: args['first-day'],
      }),
    );
    process.exitCode = ExitCode.done;
  },
};
