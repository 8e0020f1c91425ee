import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { ExitCode, UserError, messageOf } from './errors.js';
import { formatUserMessage } from './present/problem.js';
import { isBrokenPipe } from './present/format.js';
import { indexCommand } from './commands/index.js';
import { sqlCommand } from './commands/sql.js';
import { verifyCommand } from './commands/verify.js';
import { searchCommand } from './commands/search.js';
import { summaryCommand } from './commands/summary.js';
import { timelineCommand } from './commands/timeline.js';
import { exportCommand } from './commands/export.js';
import { watchCommand } from './commands/watch.js';
import { tuiCommand } from './commands/tui.js';
import { traceCommand } from './commands/trace.js';
import { huntCommand } from './commands/hunt.js';
import { athenaTableCommand } from './commands/athena-table.js';
import { separateQuery } from './commands/arguments.js';
import { checkDatabasePath } from './commands/options.js';

const KNOWN_COMMANDS = new Set(['index', 'sql', 'verify', 'search', 'summary', 'timeline', 'export', 'watch', 'tui', 'hunt', 'trace', 'athena-table']);

/** Thrown by yargs' failure hook: a usage error, exit code 2. */
class UsageError extends Error {}

/** The CLI entry: parses arguments, runs one command, and is the one place errors become exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) process.exit(process.exitCode ?? ExitCode.done);
  });
  try {
    const separated = separateQuery(argv);
    await buildParser(separated.argv)
      .middleware((args) => {
        if (separated.query !== undefined) args['query'] = separated.query;
        if (typeof args['db'] === 'string') checkDatabasePath(args['db']);
      })
      .parseAsync();
    return Number(process.exitCode ?? ExitCode.done);
  } catch (error) {
    return reportError(error, argv[0]);
  }
}

function buildParser(argv: readonly string[]) {
  return yargs([...argv])
    .scriptName('trailhound')
    .usage('$0 <command> [options]\n\nSearch archived AWS CloudTrail logs offline.')
    .command(indexCommand as CommandModule)
    .command(sqlCommand as CommandModule)
    .command(verifyCommand as CommandModule)
    .command(searchCommand as CommandModule)
    .command(summaryCommand as CommandModule)
    .command(timelineCommand as CommandModule)
    .command(exportCommand as CommandModule)
    .command(watchCommand as CommandModule)
    .command(tuiCommand as CommandModule)
    .command(traceCommand as CommandModule)
    .command(huntCommand as CommandModule)
    .command(athenaTableCommand as CommandModule)
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    })
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100));
}

function reportError(error: unknown, command: string | undefined): number {
  // Every error ends with what to do next: a UserError brings its own help; a flag yargs rejects
  // is answered by the command's help, which lists the flags.
  const helpFor = `see trailhound ${command !== undefined && KNOWN_COMMANDS.has(command) ? `${command} ` : ''}--help`;
  if (error instanceof UsageError) {
    process.stderr.write(formatUserMessage('error', { headline: 'bad usage', reason: error.message, help: helpFor }));
    return ExitCode.usage;
  }
  if (error instanceof UserError) {
    process.stderr.write(formatUserMessage('error', { headline: error.what, reason: error.reason, where: error.where, help: error.help }));
    return error.exitCode;
  }
  if (isBrokenPipe(error)) return ExitCode.done;
  process.stderr.write(formatUserMessage('error', { headline: 'unexpected failure', reason: messageOf(error), help: 'please report this with the command you ran' }));
  return ExitCode.failed;
}
