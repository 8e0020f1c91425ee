import type { Argv, CommandModule } from 'yargs';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { DEFAULT_LIMITS } from '../ingest/limits.js';
import { databaseFiles, describeWriteFailure, openIndex } from '../store/db.js';
import { ExcludedPaths } from '../watch/partial-download.js';
import { combineReporters, createJsonLog } from '../watch/reporter.js';
import { createStderrReporter } from '../watch/status-line.js';
import { watchAndIndex } from '../watch/watch-index.js';
import { Alerts } from '../watch/alerts.js';
import { loadRules } from '../hunt/load.js';
import type { HuntRule } from '../hunt/rule.js';
import { formatUserMessage } from '../present/problem.js';
import { withDatabase, withWorkers } from './options.js';
import { keyFilterFrom, withKeyFilter } from './key-filter-options.js';
import type { KeyFilterArgs } from './key-filter-options.js';
import { compileCommandQuery } from './query.js';

interface WatchArgs extends KeyFilterArgs {
  readonly paths: string[];
  readonly db: string;
  readonly 'json-log': boolean;
  readonly workers: number;
  readonly alert: string[] | undefined;
  readonly 'alert-rules': string[] | undefined;
  readonly 'alert-exec': string | undefined;
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch <paths..>',
  describe: 'Index CloudTrail archives, then keep the index current as files land (aws s3 sync in a loop)',
  builder: (yargs) =>
    withKeyFilter(withWorkers(withDatabase(yargs as Argv<object>)))
      .positional('paths', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'folders to watch, recursively, new subfolders included',
      })
      .option('json-log', {
        type: 'boolean',
        default: false,
        describe: 'write one JSON line per indexed file, problem or deleted file to stdout (for running as a service)',
      })
      .option('alert', {
        type: 'string',
        array: true,
        describe:
          'a search (the search language) to alert on: each newly indexed matching event is printed (repeatable)',
      })
      .option('alert-rules', {
        type: 'string',
        array: true,
        describe:
          'Sigma rule files or folders (as trailhound hunt takes them): ' +
          'each newly indexed event a rule matches is alerted on, like --alert (repeatable)',
      })
      .option('alert-exec', {
        type: 'string',
        describe:
          'a shell command that receives every alert match on stdin, one JSON line each ' +
          '({"type": "alert", "alert", "row_id", "source_file", "record"})',
      })
      .example(
        '$0 watch AWSLogs --alert "action:CreateAccessKey" --alert "error:AccessDenied* type:Root"',
        'print matches as they land',
      )
      .example(
        `$0 watch AWSLogs --alert "action:DeleteTrail" --alert-exec 'jq -c .record >> alerts.ndjson'`,
        'pipe matches into a command',
      )
      .example(
        '$0 watch AWSLogs --alert-rules ~/src/sigma/rules/cloud/aws',
        "alert on events that SigmaHQ's AWS rules match",
      )
      .example('$0 watch ~/cases/acme/AWSLogs --db acme.db', 'index, then follow a folder that aws s3 sync fills')
      .epilog(
        'Files are read once they stop growing; temporary download names (aws s3 sync, rsync, rclone) are skipped. ' +
          'Deleted files keep their events and are marked missing in the files table. ' +
          'Alerts fire for events indexed after the catch-up scan. ' +
          'Search meanwhile with trailhound search or sql; stop with Ctrl-C or SIGTERM.',
      ) as unknown as Argv<WatchArgs>,
  handler: async (args) => {
    process.exitCode = await runWatch(args);
  },
};

export async function runWatch(args: WatchArgs): Promise<number> {
  const roots = args.paths.map((path) => resolve(path));
  for (const root of roots) requireExisting(root);
  const rules = alertRules(args['alert-rules'] ?? []);
  if (args['alert-exec'] !== undefined && (args.alert ?? []).length === 0 && rules.length === 0) {
    throw new UserError({
      what: '--alert-exec needs --alert',
      reason: 'no query says which events to send to the command',
      help: 'add --alert QUERY or --alert-rules DIR',
      exitCode: ExitCode.usage,
    });
  }
  for (const query of args.alert ?? []) compileCommandQuery(query);
  const stderr = createStderrReporter(process.stderr, { roots, lines: !args['json-log'] });
  // On a terminal, an alert line is printed above the status line, never into it.
  const out = {
    write: (text: string) => {
      stderr.printAbove(() => process.stdout.write(text));
      return true;
    },
  };
  const alerts = new Alerts({
    dbPath: args.db,
    queries: args.alert ?? [],
    rules,
    execCommand: args['alert-exec'],
    json: args['json-log'],
    out,
    errors: process.stderr,
  });
  const index = openIndex(args.db);
  const reporter = args['json-log'] ? combineReporters([createJsonLog(process.stdout), stderr]) : stderr;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await watchAndIndex({
      roots,
      index,
      limits: DEFAULT_LIMITS,
      workers: Math.max(0, Math.floor(args.workers)),
      exclude: new ExcludedPaths(databaseFiles(args.db), (path, reason) => reporter.skipped?.(path, reason)),
      keyFilter: keyFilterFrom(args),
      reporter,
      signal: stop.signal,
      onIndexed: alerts.onIndexed,
    });
  } catch (error) {
    throw describeWriteFailure(error, args.db) ?? error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    reporter.close();
    alerts.close();
    index.close();
  }
  return ExitCode.done;
}

/**
 * The rules to alert with. Skipped rules are listed, as hunt lists them; a rule that counts events
 * over a timeframe needs the history around each event, which one batch does not hold: it is left to
 * hunt, and said so.
 */
function alertRules(paths: readonly string[]): HuntRule[] {
  if (paths.length === 0) return [];
  const loaded = loadRules(paths);
  const counting = loaded.rules.filter((rule) => rule.aggregation !== null);
  const skipped = [
    ...loaded.skipped,
    ...counting.map((rule) => ({
      file: rule.file,
      line: null,
      rule: rule.title,
      reason: 'counts events over a timeframe: run trailhound hunt for it',
    })),
  ];
  for (const skip of skipped) {
    process.stderr.write(
      formatUserMessage('warning', {
        headline: `alert rule skipped: ${skip.rule}`,
        reason: skip.reason,
        where: skip.line === null ? skip.file : `${skip.file}, line ${skip.line}`,
      }),
    );
  }
  const rules = loaded.rules.filter((rule) => rule.aggregation === null);
  if (rules.length === 0)
    throw new UserError({
      what: 'no alert rule to run',
      reason: `none of the rules under ${paths.join(', ')} can alert`,
      help: 'see the reasons above',
      exitCode: ExitCode.usage,
    });
  return rules;
}

/** A missing folder is a typo far more often than a sync yet to start; watching it would show nothing. */
function requireExisting(path: string): void {
  try {
    statSync(path);
  } catch {
    throw new UserError({
      what: `cannot watch ${path}`,
      reason: 'no such file or folder',
      help: 'check the path, or create the folder first (mkdir -p)',
    });
  }
}
