import type { Argv, CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { UserError } from '../errors.js';
import { databaseFiles, openIndex } from '../store/db.js';
import { saveVerdicts } from '../store/verification.js';
import { createBackpressuredWriter, writeRows } from '../present/format.js';
import { rowToJson } from '../present/json.js';
import { formatProblem, formatUserMessage } from '../present/problem.js';
import { escapeForTerminal, escapeJsonForTerminal } from '../present/safe-text.js';
import { formatVerifySummary } from '../verify/summary.js';
import { loadPublicKeys, loadSignatures } from '../verify/trust-inputs.js';
import { verifyArchive } from '../verify/verify-archive.js';
import type { VerifyReport } from '../verify/verify-archive.js';
import type { VerdictRow } from '../verify/verdicts.js';
import { withDatabase } from './options.js';

const VERIFY_FORMATS = ['table', 'json'] as const;

interface VerifyArgs {
  readonly paths: string[];
  readonly 'public-keys'?: string[];
  readonly signature?: string[];
  readonly signatures?: string;
  readonly db: string;
  readonly format: (typeof VERIFY_FORMATS)[number];
}

export const verifyCommand: CommandModule<object, VerifyArgs> = {
  command: 'verify <paths..>',
  describe: 'Verify a downloaded CloudTrail archive offline: digest signatures, digest chains and log file hashes',
  builder: (yargs) =>
    withDatabase(yargs as Argv<object>)
      .positional('paths', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'folders and files of the archive, walked recursively',
      })
      .option('public-keys', {
        type: 'string',
        array: true,
        describe: 'output of aws cloudtrail list-public-keys (repeat for several regions or periods)',
      })
      .option('signature', {
        type: 'string',
        array: true,
        describe: "DIGEST_KEY=HEX: a digest's signature from its S3 metadata (x-amz-meta-signature); repeatable",
      })
      .option('signatures', { type: 'string', describe: 'JSON file mapping digest keys to hex signatures' })
      .option('format', {
        choices: VERIFY_FORMATS,
        default: 'table' as const,
        describe: 'table for people, json (summary and results) for programs',
      })
      .example('$0 verify ./AWSLogs --public-keys keys.json', 'check everything; the newest digest needs its signature')
      .example(
        '$0 verify ./AWSLogs --public-keys keys.json --signature AWSLogs/1/CloudTrail-Digest/…json.gz=ab12…',
        'also prove the newest digest',
      )
      .epilog(
        'Exit 0: everything proven ' +
          '(log files delivered after the newest digest aside: their digest is not written yet). ' +
          '3: something was modified, is missing or breaks a chain. ' +
          '4: nothing tampered, but something could not be proven; the summary on stderr says exactly what. ' +
          'Verdicts are stored in the verification table of --db when that database exists.',
      ) as unknown as Argv<VerifyArgs>,
  handler: async (args) => {
    process.exitCode = await runVerify(args);
  },
};

export async function runVerify(args: VerifyArgs): Promise<number> {
  const publicKeys = loadPublicKeys(args['public-keys'] ?? []);
  const signatures = loadSignatures(args.signatures, args.signature ?? []);
  const report = await verifyArchive(args.paths, {
    publicKeys,
    signatures,
    onProblem: (problem) => process.stderr.write(formatProblem(problem)),
    exclude: databaseFiles(args.db),
  });
  if (report.rows.length === 0) {
    throw new UserError({
      what: 'nothing to verify',
      reason: `no CloudTrail digest or log files under ${args.paths.join(', ')}`,
      help: 'give the folder that holds AWSLogs/<account>/CloudTrail-Digest/ and CloudTrail/',
    });
  }
  await (args.format === 'json' ? writeJson(report) : writeTable(report.rows));
  process.stderr.write(
    formatVerifySummary(report.summary)
      .map((line) => `${escapeForTerminal(line)}\n`)
      .join(''),
  );
  process.stderr.write(storeVerdicts(args.db, report.rows, new Date().toISOString()));
  return report.summary.exitCode;
}

const TABLE_COLUMNS = ['verdict', 'kind', 'path', 'detail'] as const;
const JSON_COLUMNS = ['path', 'kind', 'verdict', 'detail', 'effect', 'cause'] as const;

async function writeTable(rows: readonly VerdictRow[]): Promise<void> {
  const cells = rows.map((row) => ({
    verdict: row.verdict,
    kind: row.kind,
    path: displayPath(row.path),
    detail: row.detail,
  }));
  const maxWidth = process.stdout.isTTY ? (process.stdout.columns ?? 80) : Number.POSITIVE_INFINITY;
  await writeRows('table', cells, TABLE_COLUMNS, process.stdout, { maxWidth });
}

/** One object, so a program reads the summary and every verdict with one parse. */
async function writeJson(report: VerifyReport): Promise<void> {
  const write = createBackpressuredWriter(process.stdout);
  await write(`{"summary":${escapeJsonForTerminal(JSON.stringify(report.summary))},"results":[`);
  let first = true;
  for (const row of report.rows) {
    await write(`${first ? '\n' : ',\n'}${rowToJson({ ...row }, JSON_COLUMNS, [])}`);
    first = false;
  }
  await write(first ? ']}\n' : '\n]}\n');
}

/** Paths under the working folder are shown relative: the file name at the end is what must fit. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}

/**
 * Keeps the latest verdict per file and kind, so a search can tell events from verified files.
 * Only an existing index is written to: verify reads archives, it does not create databases.
 */
function storeVerdicts(dbPath: string, rows: readonly VerdictRow[], verifiedAt: string): string {
  if (!existsSync(dbPath))
    return `results not stored: no index at ${escapeForTerminal(dbPath)} (trailhound index PATH --db FILE makes one)\n`;
  let index;
  try {
    index = openIndex(dbPath);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // The verdicts are printed above; only their copy in the database is lost, and the warning says so.
    return formatUserMessage('warning', {
      headline: 'results not stored in the database',
      reason: `${error.what}: ${error.reason}`,
      help: error.help,
    });
  }
  try {
    saveVerdicts(index.db, rows, verifiedAt);
  } finally {
    index.close();
  }
  return `results stored in ${escapeForTerminal(dbPath)}, table verification (${rows.length} rows)\n`;
}
