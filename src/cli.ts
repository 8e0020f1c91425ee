import yargs from 'yargs';
import { ExitCode, UserError, messageOf } from './errors.js';
import { formatUserMessage } from './present/problem.js';
import { isBrokenPipe } from './present/format.js';
import type { CommandModule } from 'yargs';
import { COMMAND_NAMES, loadCommand, loadCommands } from './commands/all.js';
import { separateQuery } from './commands/arguments.js';
import { checkDatabasePath } from './commands/options.js';
import { toolVersion } from './package-file.js';

/** Thrown by yargs' failure hook: a usage error, exit code 2. */
class UsageError extends Error {}

/** The CLI entry: parses arguments, runs one command, and is the one place errors become exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) process.exit(process.exitCode ?? ExitCode.done);
  });
  try {
    const named = await loadCommand(argv[0]);
    const separated = separateQuery(argv, named);
    await buildParser(separated.argv, named ? [named] : await loadCommands())
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

function buildParser(argv: readonly string[], commands: readonly CommandModule[]) {
  const parser = yargs([...argv])
    .scriptName('trailhound')
    .usage('$0 <command> [options]\n\nSearch archived AWS CloudTrail logs offline.');
  return commands
    .reduce((withCommands, command) => withCommands.command(command), parser)
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    })
    .help()
    .alias('h', 'help')
    .version(toolVersion())
    .wrap(Math.min(100, process.stdout.columns ?? 100));
}

function reportError(error: unknown, command: string | undefined): number {
  // Every error ends with what to do next: a UserError brings its own help; a flag yargs rejects
  // is answered by the command's help, which lists the flags.
  const commandWord = command !== undefined && COMMAND_NAMES.includes(command) ? `${command} ` : '';
  const helpFor = `see trailhound ${commandWord}--help`;
  if (error instanceof UsageError) {
    process.stderr.write(formatUserMessage('error', { headline: 'bad usage', reason: error.message, help: helpFor }));
    return ExitCode.usage;
  }
  if (error instanceof UserError) {
    process.stderr.write(
      formatUserMessage('error', { headline: error.what, reason: error.reason, where: error.where, help: error.help }),
    );
    return error.exitCode;
  }
  if (isBrokenPipe(error)) return ExitCode.done;
  process.stderr.write(
    formatUserMessage('error', {
      headline: 'unexpected failure',
      reason: messageOf(error),
      help: 'please report this with the command you ran',
    }),
  );
  return ExitCode.failed;
}
