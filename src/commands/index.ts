import type { Argv, CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { ExitCode, UserError } from '../errors.js';
import { DEFAULT_LIMITS } from '../ingest/limits.js';
import { indexPaths } from '../ingest/indexer.js';
import type { IndexSummary } from '../ingest/indexer.js';
import { databaseFiles, describeWriteFailure, openIndex } from '../store/db.js';
import { IndexWriter } from '../store/ingest.js';
import { walkSources } from '../sources/walk.js';
import { createProgressLine, formatDuration } from '../present/progress.js';
import { formatProblem } from '../present/problem.js';
import { withDatabase, withWorkers } from './options.js';
import { describeSkipped, keyFilterFrom, withKeyFilter } from './key-filter-options.js';
import type { KeyFilterArgs } from './key-filter-options.js';

interface IndexArgs extends KeyFilterArgs {
  readonly paths: string[];
  readonly db: string;
  readonly 'max-decompressed-mb': number;
  readonly workers: number;
}

export const indexCommand: CommandModule<object, IndexArgs> = {
  command: 'index <paths..>',
  describe: 'Index CloudTrail archives (folders, .json.gz, .json, NDJSON, .zip) into the database',
  builder: (yargs) =>
    withKeyFilter(withWorkers(withDatabase(yargs as Argv<object>)))
      .positional('paths', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'files and folders to index, walked recursively',
      })
      .option('max-decompressed-mb', {
        type: 'number',
        default: DEFAULT_LIMITS.maxDecompressedBytes / 1024 ** 2,
        describe: 'stop reading a compressed file or zip entry past this many decompressed MiB (gzip bomb guard)',
      })
      .example('$0 index ~/cases/acme/AWSLogs --db acme.db', 'index a synced trail bucket')
      .example(
        '$0 index AWSLogs --since 2026-03-01 --until 2026-03-05 --region us-east-1',
        'only those days and that region; other files are not opened',
      )
      .epilog(
        'Re-running on the same paths reads only new or changed files. Problems are stored in the problems table.',
      ) as unknown as Argv<IndexArgs>,
  handler: async (args) => {
    process.exitCode = await runIndex(args);
  },
};

export async function runIndex(args: IndexArgs): Promise<number> {
  const keyFilter = keyFilterFrom(args);
  requireSomePath(args.paths);
  const index = openIndex(args.db);
  const writer = new IndexWriter(index.db);
  const startedMs = Date.now();
  const exclude = databaseFiles(args.db);
  const totals = process.stderr.isTTY ? await countInputs(args.paths, exclude) : null;
  const progress = createProgressLine(process.stderr);
  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  process.once('SIGINT', onSignal);
  let summary: IndexSummary;
  try {
    summary = await indexPaths(args.paths, writer, {
      limits: { ...DEFAULT_LIMITS, maxDecompressedBytes: Math.floor(args['max-decompressed-mb'] * 1024 ** 2) },
      workers: Math.max(0, Math.floor(args.workers)),
      exclude,
      keyFilter,
      shouldStop: () => stopRequested,
      onFile: (_source, live) =>
        progress.update({
          filesDone: live.filesSeen,
          filesTotal: totals?.files ?? null,
          bytesDone: live.bytesRead + (totals ? unchangedBytesGuess(live) : 0),
          bytesTotal: totals?.bytes ?? null,
          events: live.eventsRead,
        }),
    });
  } catch (error) {
    throw describeWriteFailure(error, args.db) ?? error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    progress.clear();
    index.close();
  }
  process.stderr.write(formatSummary(summary, (Date.now() - startedMs) / 1000, args.db, stopRequested));
  const nothingReadable = summary.filesSeen > 0 && summary.filesSeen === summary.filesFailed;
  return nothingReadable || (summary.filesSeen === 0 && skippedCount(summary) === 0) || noCloudTrailIn(summary)
    ? ExitCode.failed
    : ExitCode.done;
}

function skippedCount(summary: IndexSummary): number {
  return Object.values(summary.filesSkipped).reduce((sum, count) => sum + count, 0);
}

/**
 * Files were read, none held a CloudTrail event or digest, and something was skipped: GuardDuty
 * findings, VPC flow logs or a package.json, not an idle trail (whose empty files raise no problem).
 */
function noCloudTrailIn(summary: IndexSummary): boolean {
  return (
    summary.filesRead > 0 &&
    summary.filesUnchanged === 0 &&
    summary.eventsRead === 0 &&
    summary.digests === 0 &&
    summary.problems > 0
  );
}

/** Not one path exists: a typo, said before an empty database is created for it. */
function requireSomePath(paths: readonly string[]): void {
  if (paths.some((path) => existsSync(path))) return;
  throw new UserError({
    what: `nothing to index`,
    reason: `no such file or folder: ${paths.join(', ')}`,
    help: 'check the path; folders are read recursively, .zip, .json.gz, .json and .jsonl files directly',
  });
}

/** Unchanged files are skipped in no time; count them as done so the ETA is not thrown off. */
function unchangedBytesGuess(summary: IndexSummary): number {
  return summary.filesRead === 0 ? 0 : (summary.bytesRead / summary.filesRead) * summary.filesUnchanged;
}

async function countInputs(
  paths: readonly string[],
  exclude: ReadonlySet<string>,
): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  // Problems are reported by the walk that indexes; this one only counts.
  for await (const source of walkSources(paths, { onProblem: () => undefined, exclude })) {
    files++;
    bytes += source.sizeBytes;
  }
  return { files, bytes };
}

export function formatSummary(summary: IndexSummary, seconds: number, db: string, interrupted: boolean): string {
  const rate = seconds > 0 ? Math.round(summary.eventsRead / seconds) : 0;
  const outcome = interrupted ? 'interrupted; committed so far' : 'indexed';
  const lines = [
    `${outcome}: ${summary.filesSeen} files (${summary.filesRead} read, ${summary.filesUnchanged} unchanged, ` +
      `${summary.filesPartial} partly read, ${summary.filesFailed} unreadable), ${summary.digests} digests`,
    `events: ${summary.eventsRead} read, ${summary.eventsNew} new, in ${formatDuration(seconds)} ` +
      `(${rate} events/s) into ${db}`,
  ];
  const skipped = describeSkipped(summary.filesSkipped);
  if (skipped) lines.push(skipped);
  if (summary.problems > 0) {
    lines.push(
      `problems: ${summary.problems} (first ${summary.firstProblems.length} below; ` +
        `all with: trailhound sql "SELECT * FROM problems" --db ${db})`,
    );
  }
  if (summary.filesSeen === 0 && !skipped) lines.push('error: no files found under the given paths');
  else if (noCloudTrailIn(summary)) {
    lines.push(
      'error: no CloudTrail event or digest in these files ' +
        '(GuardDuty findings, VPC flow logs and other JSON are not CloudTrail)',
      '   help: give the folder that holds AWSLogs/<account>/CloudTrail/, or files of {"Records": [...]}',
    );
  }
  return lines.join('\n') + '\n' + summary.firstProblems.map(formatProblem).join('');
}
