import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandName, commandShape, loadCommand, loadCommands } from '../src/commands/all.js';
import { separateQuery } from '../src/commands/arguments.js';

const COMMANDS = await loadCommands();
const separate = async (argv: readonly string[]) => separateQuery(argv, await loadCommand(argv[0]));

/** The pre-reader learns each command's options from its yargs definition (issue 17), not from a list typed by hand. */
describe('the command line as each command defines it', () => {
  const shapes = COMMANDS.map((command) => ({ name: commandName(command), shape: commandShape(command) }));

  it('knows every command by the name it is loaded under, and which of them take a query', () => {
    expect(COMMANDS.map(commandName)).toEqual(COMMAND_NAMES);
    expect(shapes.map(({ name, shape }) => `${name}${shape.takesQuery ? ' QUERY' : ''}`)).toEqual([
      'index',
      'sql QUERY',
      'verify',
      'search QUERY',
      'summary QUERY',
      'timeline QUERY',
      'export QUERY',
      'watch',
      'tui QUERY',
      'trace',
      'hunt',
      'athena-table',
    ]);
  });

  it('reads every boolean option of a query command as a flag, so the query after it stays the query', async () => {
    for (const { name, shape } of shapes.filter((entry) => entry.shape.takesQuery)) {
      for (const flag of shape.flags) {
        expect(await separate([name, `--${flag}`, '-error:*']), `${name} --${flag}`).toEqual({
          argv: [name, 'query', `--${flag}`],
          query: '-error:*',
        });
      }
    }
  });

  it("gives a command's value options the next argument, even one that starts with -", async () => {
    expect(await separate(['trace', 'AKIAEXAMPLE', '--forward', '--limit', '-1'])).toEqual({
      argv: ['trace', 'AKIAEXAMPLE', '--forward', '--limit=-1'],
      query: undefined,
    });
    expect(await separate(['search', '--format', 'json', '--count', 'error:*'])).toEqual({
      argv: ['search', 'query', '--format=json', '--count'],
      query: 'error:*',
    });
  });

  it('lists the flags of each command from its own definition', () => {
    expect([...shapes.find((entry) => entry.name === 'trace')!.shape.flags].sort()).toEqual([
      'forward',
      'help',
      'query',
      'timeline',
      'version',
    ]);
    expect([...shapes.find((entry) => entry.name === 'search')!.shape.flags].sort()).toEqual([
      'count',
      'facets',
      'help',
      'sql',
      'version',
    ]);
  });
});
