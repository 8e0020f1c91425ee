import { ExitCode, UserError } from '../errors.js';
import { DEFAULT_TABLE } from './athena.js';
import { CLOUDTRAIL_COLUMNS, hiveType } from './cloudtrail-table.js';

/** Where a trail delivers, and which of its accounts, regions and days the table projects. */
export interface AthenaTableOptions {
  readonly bucket: string;
  readonly prefix?: string | undefined;
  /** Organization trails deliver under `AWSLogs/o-…/`. */
  readonly org?: string | undefined;
  /** Empty: the account is an injected partition, which every query must name (`account = '…'`). */
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly table?: string | undefined;
  /** The first day the projection covers, `yyyy/MM/dd`. */
  readonly firstDay: string;
}

/** The commercial regions CloudTrail delivers from (2026); `--region` narrows or extends them. */
export const DEFAULT_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/**
 * `CREATE EXTERNAL TABLE` for a trail's bucket, as AWS documents it (CloudTrailInputFormat,
 * JsonSerDe), with account, region and day as projected partitions: no crawler, no
 * `MSCK REPAIR`, and a query filtered on `"timestamp"` reads only those days' folders. Every value
 * spliced in is checked first: the statement is meant to be pasted and run.
 */
export function athenaTableStatement(options: AthenaTableOptions): string {
  checkOptions(options);
  const prefixFolder = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const orgFolder = options.org ? `${options.org}/` : '';
  const root = `s3://${options.bucket}/${prefixFolder}AWSLogs/${orgFolder}`;
  const columns = CLOUDTRAIL_COLUMNS.map((column) => `  ${column.name} ${hiveType(column.type)}`).join(',\n');
  const account =
    options.accounts.length > 0
      ? [`'projection.account.type'='enum'`, `'projection.account.values'='${options.accounts.join(',')}'`]
      : [`'projection.account.type'='injected'`];
  const properties = [
    `'projection.enabled'='true'`,
    ...account,
    `'projection.region.type'='enum'`,
    `'projection.region.values'='${options.regions.join(',')}'`,
    `'projection.timestamp.type'='date'`,
    `'projection.timestamp.format'='yyyy/MM/dd'`,
    `'projection.timestamp.range'='${options.firstDay},NOW'`,
    `'projection.timestamp.interval'='1'`,
    `'projection.timestamp.interval.unit'='DAYS'`,
    `'storage.location.template'='${root}\${account}/CloudTrail/\${region}/\${timestamp}'`,
  ];
  return `CREATE EXTERNAL TABLE ${options.table ?? DEFAULT_TABLE} (
${columns}
)
PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${root}'
TBLPROPERTIES (
${properties.map((property) => `  ${property}`).join(',\n')}
);
`;
}

function checkOptions(options: AthenaTableOptions): void {
  const checks: [boolean, string, string][] = [
    [
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket),
      `--bucket "${options.bucket}" is not an S3 bucket name`,
      'give the bucket name alone: my-trail-bucket',
    ],
    [
      options.prefix === undefined || /^[A-Za-z0-9!_.*()/-]*$/.test(options.prefix),
      `--prefix "${options.prefix}" has characters that need quoting`,
      'use the key prefix as CloudTrail writes it: letters, digits, / - _ .',
    ],
    [
      options.org === undefined || /^o-[a-z0-9]{10,32}$/.test(options.org),
      `--org "${options.org}" is not an organization id`,
      'an organization id looks like o-a1b2c3d4e5',
    ],
    [
      options.accounts.every((account) => /^\d{12}$/.test(account)),
      `--account ${options.accounts.join(',')}: an account id is 12 digits`,
      'repeat --account for each account: --account 111122223333 --account 444455556666',
    ],
    [
      options.regions.length > 0 && options.regions.every((region) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(region)),
      `--region ${options.regions.join(',')}: not a region name`,
      'a region looks like eu-west-1',
    ],
    [
      /^\d{4}\/\d{2}\/\d{2}$/.test(options.firstDay),
      `--first-day "${options.firstDay}" is not yyyy/MM/dd`,
      'the first day of the trail, such as 2024/01/01',
    ],
    [
      options.table === undefined || /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(options.table),
      `--table "${options.table}" is not a table name`,
      'letters, digits and _, optionally database.table',
    ],
  ];
  for (const [ok, reason, help] of checks)
    if (!ok)
      throw new UserError({ what: 'cannot write the table', reason: reason, help: help, exitCode: ExitCode.usage });
}
