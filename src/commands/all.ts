import yargs from 'yargs';
import type { CommandModule } from 'yargs';

/**
 * Every command, in the order `--help` lists them, each loaded only when asked for. A run names its
 * command first, so the CLI loads that one command's modules: loading all twelve (chokidar, yaml,
 * the Parquet writer, the dialects) cost every `trailhound search` 0.16 s of its 0.42 s start.
 * The CLI registers these, the command-line pre-reader (arguments.ts) learns from a command's own
 * definition which options take no value, and the help test walks them all: a command added here is
 * known everywhere, and a list typed by hand cannot fall behind.
 */
const LOADERS: readonly (readonly [string, () => Promise<CommandModule>])[] = [
  ['index', async () => (await import('./index.js')).indexCommand as CommandModule],
  ['sql', async () => (await import('./sql.js')).sqlCommand as CommandModule],
  ['verify', async () => (await import('./verify.js')).verifyCommand as CommandModule],
  ['search', async () => (await import('./search.js')).searchCommand as CommandModule],
  ['summary', async () => (await import('./summary.js')).summaryCommand as CommandModule],
  ['timeline', async () => (await import('./timeline.js')).timelineCommand as CommandModule],
  ['export', async () => (await import('./export.js')).exportCommand as CommandModule],
  ['watch', async () => (await import('./watch.js')).watchCommand as CommandModule],
  ['tui', async () => (await import('./tui.js')).tuiCommand as CommandModule],
  ['trace', async () => (await import('./trace.js')).traceCommand as CommandModule],
  ['hunt', async () => (await import('./hunt.js')).huntCommand as CommandModule],
  ['athena-table', async () => (await import('./athena-table.js')).athenaTableCommand as CommandModule],
];

/** The commands' names, in `--help` order. */
export const COMMAND_NAMES: readonly string[] = LOADERS.map(([name]) => name);

/** The command named `name`, or undefined when there is none (a query for the default command, an option). */
export async function loadCommand(name: string | undefined): Promise<CommandModule | undefined> {
  return LOADERS.find(([known]) => known === name)?.[1]();
}

export async function loadCommands(): Promise<CommandModule[]> {
  return Promise.all(LOADERS.map(([, load]) => load()));
}

/** The first word of a command's usage: `search` for `search [query]`. */
export function commandName(command: CommandModule): string {
  const usage = Array.isArray(command.command) ? command.command[0] : command.command;
  return String(usage).split(' ')[0]!;
}

/** What the pre-reader must know of a command before yargs reads its arguments. */
export interface CommandShape {
  /** The command's one positional argument is a query (the search language, or SQL for `sql`). */
  readonly takesQuery: boolean;
  /** Options that take no value (booleans, `--help` and `--version` included). */
  readonly flags: ReadonlySet<string>;
}

/** A command's shape, read from its own yargs definition. */
export function commandShape(command: CommandModule): CommandShape {
  const usage = Array.isArray(command.command) ? command.command[0] : command.command;
  const parser = yargs([]);
  const built = typeof command.builder === 'function' ? command.builder(parser) : parser.options(command.builder ?? {});
  // yargs lists each command's options by type; `getOptions` is public in yargs, missing from its typings.
  const options = (built as unknown as { getOptions(): { boolean: string[] } }).getOptions();
  return { takesQuery: /[<[]query[\]>]/.test(String(usage)), flags: new Set(options.boolean) };
}
