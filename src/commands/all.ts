import type { CommandModule } from 'yargs';
import { indexCommand } from './index.js';
import { sqlCommand } from './sql.js';
import { verifyCommand } from './verify.js';
import { searchCommand } from './search.js';
import { summaryCommand } from './summary.js';
import { timelineCommand } from './timeline.js';
import { exportCommand } from './export.js';
import { watchCommand } from './watch.js';
import { tuiCommand } from './tui.js';
import { traceCommand } from './trace.js';
import { huntCommand } from './hunt.js';
import { athenaTableCommand } from './athena-table.js';

/** Every command, in the order `trailhound --help` lists them: cli.ts registers these, and the help test walks them. */
export const COMMANDS: readonly CommandModule[] = [
  indexCommand, sqlCommand, verifyCommand, searchCommand, summaryCommand, timelineCommand,
  exportCommand, watchCommand, tuiCommand, traceCommand, huntCommand, athenaTableCommand,
] as CommandModule[];

/** A command's name: the first word of its first form (`tui [query]` and `$0` → `tui`). */
export function commandName(command: CommandModule): string {
  const form = Array.isArray(command.command) ? command.command[0] : command.command;
  return String(form).split(' ')[0]!;
}
