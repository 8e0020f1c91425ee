import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { athenaTableCommand } from './athena-table.js';
import { exportCommand } from './export.js';
import { huntCommand } from './hunt.js';
import { indexCommand } from './index.js';
import { searchCommand } from './search.js';
import { sqlCommand } from './sql.js';
import { summaryCommand } from './summary.js';
import { timelineCommand } from './timeline.js';
import { traceCommand } from './trace.js';
import { tuiCommand } from './tui.js';
import { verifyCommand } from './verify.js';
import { watchCommand } from './watch.js';

/**
 * Every command, in the order `--help` lists them. The CLI registers these, the command-line
 * pre-reader (arguments.ts) learns from them which options take no value, and the help test checks
 * each: a command added here is known everywhere, and a list typed by hand cannot fall behind.
 */
export const COMMANDS: readonly CommandModule[] = [
  indexCommand, sqlCommand, verifyCommand, searchCommand, summaryCommand, timelineCommand, exportCommand,
  watchCommand, tuiCommand, traceCommand, huntCommand, athenaTableCommand,
] as CommandModule[];

/** What the pre-reader must know of a command before yargs reads its arguments. */
export interface CommandShape {
  /** The command's one positional argument is a query (the search language, or SQL for `sql`). */
  readonly takesQuery: boolean;
  /** Options that take no value (booleans, `--help` and `--version` included). */
  readonly flags: ReadonlySet<string>;
}

/** The first word of a command's usage: `search` for `search [query]`. */
export function commandName(command: CommandModule): string {
  const usage = Array.isArray(command.command) ? command.command[0] : command.command;
  return String(usage).split(' ')[0]!;
}

/** The shape of the command named `name`, read from its own yargs definition; undefined if none. */
export function commandShape(name: string): CommandShape | undefined {
  const command = COMMANDS.find((candidate) => commandName(candidate) === name);
  if (command === undefined) return undefined;
  const usage = Array.isArray(command.command) ? command.command[0] : command.command;
  const parser = yargs([]);
  const built = typeof command.builder === 'function' ? command.builder(parser) : parser.options(command.builder ?? {});
  // yargs lists each command's options by type; `getOptions` is public in yargs, missing from its typings.
  const options = (built as unknown as { getOptions(): { boolean: string[] } }).getOptions();
  return { takesQuery: /[<[]query[\]>]/.test(String(usage)), flags: new Set(options.boolean) };
}
