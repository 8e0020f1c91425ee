import { readFileSync } from 'node:fs';
import { ExitCode, UserError } from '../errors.js';
import type { CommandModule } from 'yargs';
import { commandShape } from './all.js';

/**
 * The command line as the user meant it, before yargs reads it (issue 14): a query that starts with
 * `-` (`search "-error:*"`) is a query, not a cluster of short options; `--` ends the options and
 * everything after it is the query; an option's value may start with `-` (`--alert "-error:*"`,
 * `--offset -5`, which then fails validation rather than vanishing). A query given as two arguments,
 * or an option written after `--`, is a usage error: silently searching half of it would be a false
 * negative.
 */

/** Before a command is known, only these take no value; every other `--name` takes the next argument. */
const GLOBAL_FLAGS: ReadonlySet<string> = new Set(['help', 'version']);

/** What yargs gets, and the query taken out of it (undefined when none was given). */
export interface SeparatedArguments {
  readonly argv: string[];
  readonly query: string | undefined;
}

/** Stands in for the query so yargs sees its positional; the caller puts the real text back. */
export const QUERY_PLACEHOLDER = 'query';

/** `module` is the command `argv[0]` names, when it names one. */
export function separateQuery(argv: readonly string[], module: CommandModule | undefined): SeparatedArguments {
  const command = argv[0];
  const shape = module === undefined ? undefined : commandShape(module);
  const flags = shape?.flags ?? GLOBAL_FLAGS;
  if (command === undefined || !shape?.takesQuery) return { argv: withAttachedValues(argv, flags), query: undefined };
  const options: string[] = [];
  const queries: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      queries.push(...afterDoubleDash(command, argv.slice(i + 1)));
      break;
    }
    if (isLongOption(arg) && optionName(arg, flags) === QUERY_FILE_OPTION) {
      queries.push(readQueryFile(command, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]));
    } else if (isLongOption(arg)) {
      const takesValue = !arg.includes('=') && !flags.has(optionName(arg, flags)) && i + 1 < argv.length;
      options.push(takesValue ? `${arg}=${argv[++i]}` : arg);
    } else if (arg === '-h') {
      options.push(arg);
    } else {
      queries.push(arg);
    }
  }
  if (queries.length > 1) throw queryGivenTwice(command, queries);
  const query = queries[0];
  return { argv: [command, ...(query === undefined ? [] : [QUERY_PLACEHOLDER]), ...options], query };
}

/**
 * `--query-file FILE` (or `-`, standard input): a pasted IoC list of thousands of values is longer
 * than the 128 KB the operating system allows one argument.
 */
export const QUERY_FILE_OPTION = 'query-file';

function readQueryFile(command: string, path: string | undefined): string {
  if (path === undefined) {
    throw new UserError({
      what: 'bad usage',
      reason: `--${QUERY_FILE_OPTION} needs a file`,
      help: `trailhound ${command} --${QUERY_FILE_OPTION} iocs.txt, or - for standard input`,
      exitCode: ExitCode.usage,
    });
  }
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new UserError({
      what: 'bad usage',
      reason: `cannot read the query from ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      help: `give a readable file, or - to read the query from standard input`,
      exitCode: ExitCode.usage,
    });
  }
}

function afterDoubleDash(command: string, rest: readonly string[]): string[] {
  const option = rest.find(isLongOption);
  if (option !== undefined) {
    throw new UserError({
      what: 'bad usage',
      reason: `"${option}" comes after "--", where everything is the query`,
      help: `put options before "--": trailhound ${command} ${option} -- QUERY`,
      exitCode: ExitCode.usage,
    });
  }
  return [...rest];
}

function queryGivenTwice(command: string, queries: readonly string[]): UserError {
  const quoted = queries.map((query) => JSON.stringify(query)).join(', ');
  return new UserError({
    what: 'bad usage',
    reason: `the query was given as ${queries.length} arguments (${quoted}); only one is searched`,
    help: `quote the whole query as one argument: trailhound ${command} ${JSON.stringify(queries.join(' '))}`,
    exitCode: ExitCode.usage,
  });
}

/** Commands without a query: only an option value that starts with `-` needs attaching. */
function withAttachedValues(argv: readonly string[], flags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (
      isLongOption(arg) &&
      !arg.includes('=') &&
      !flags.has(optionName(arg, flags)) &&
      next !== undefined &&
      next.startsWith('-') &&
      next !== '--'
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function isLongOption(arg: string): boolean {
  return arg.startsWith('--') && arg.length > 2;
}

function optionName(arg: string, flags: ReadonlySet<string>): string {
  const name = arg.slice(2).split('=')[0]!;
  return name.startsWith('no-') && flags.has(name.slice(3)) ? name.slice(3) : name;
}
