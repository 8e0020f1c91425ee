import type { Argv, CommandModule } from 'yargs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import { withDatabase, withQueryFile } from './options.js';

interface TuiArgs {
  readonly query: string;
  readonly db: string;
}

export const tuiCommand: CommandModule<object, TuiArgs> = {
  command: ['tui [query]', '$0'],
  describe: 'Browse and search interactively: results as you type, event detail, facets, pivots (the default command)',
  builder: (yargs) =>
    withQueryFile(withDatabase(yargs as Argv<object>))
      .positional('query', {
        type: 'string',
        default: '',
        describe: 'the search to start with, in the language of trailhound search',
      })
      // As the default command, `trailhound WORD` would search for WORD: a mistyped command must stay an error.
      .check((argv) => {
        if (argv._[0] !== 'tui' && argv.query)
          throw new UserError({
            what: 'bad usage',
            reason: `Unknown argument: ${argv.query}`,
            help: 'see trailhound --help',
            exitCode: ExitCode.usage,
          });
        return true;
      })
      .example('$0 tui --db acme.db', 'open the index; type a query, ↑↓ to move, Enter for detail, ? for keys')
      .example('$0 tui "error:AccessDenied*" --db acme.db', 'start from a search')
      .epilog(
        'Queries typed are kept in ~/.trailhound_history ' +
          '($TRAILHOUND_HISTORY names another file; set it empty to keep none). ' +
          'NO_COLOR turns colour off. Exports (x) go to the current folder.',
      ) as unknown as Argv<TuiArgs>,
  handler: async (args) => {
    process.exitCode = await runTuiCommand(args);
  },
};

export async function runTuiCommand(args: TuiArgs): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError({
      what: 'cannot start the terminal UI',
      reason: 'standard input and output must be a terminal',
      help: 'scripts use trailhound search QUERY --db FILE',
      exitCode: ExitCode.usage,
    });
  }
  // A database that cannot be opened is reported by the CLI's error handler, before the screen changes.
  openReadOnly(args.db).close();
  // Both are read once, when Ink loads, so they are set before loading it. NO_COLOR: Ink's colour
  // library knows only FORCE_COLOR. CI: Ink draws nothing until exit when it thinks it runs in CI, but
  // a terminal on both ends means someone is looking at the screen.
  if (process.env['NO_COLOR'] && process.env['FORCE_COLOR'] === undefined) process.env['FORCE_COLOR'] = '0';
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = '0';
  // The search threads load and open the database while Ink and React load (about a second).
  const { createSearchClient } = await import('../search-service/threads.js');
  const client = createSearchClient(args.db);
  const [{ runTui }, { createFileHistory, createMemoryHistory }, { themeFromEnv }] = await Promise.all([
    import('../tui/run-tui.js'),
    import('../tui/state/history.js'),
    import('../tui/text/theme.js'),
  ]);
  const historyFile = process.env['TRAILHOUND_HISTORY'] ?? join(homedir(), '.trailhound_history');
  await runTui({
    client,
    dbPath: args.db,
    query: args.query,
    history: historyFile === '' ? createMemoryHistory() : createFileHistory(historyFile),
    theme: themeFromEnv(process.env),
    exportDir: process.cwd(),
  });
  return ExitCode.done;
}
