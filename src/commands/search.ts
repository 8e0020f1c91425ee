import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import type { CompiledQuery } from '../search/compile.js';
import { allMatches, countFacets, countMatches, runSearch, searchStatement } from '../search/engine.js';
import type { EventListRow, Page } from '../search/engine.js';
import { parseLimit, parseOffset } from '../forensics/statement.js';
import { formatUserMessage } from '../present/problem.js';
import { compileCommandQuery } from './query.js';
import type { SortOrder } from '../search/engine.js';
import { FIELDS } from '../search/fields.js';
import { createBackpressuredWriter, writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { writeRawJsonArray, writeRawJsonLines } from '../present/json.js';
import { escapeJsonForTerminal } from '../present/safe-text.js';
import { CSV_LABELS, LIST_LABELS, toCsvRow, toListRow } from '../present/event-row.js';
import { withDatabase, withFormat, withQueryFile } from './options.js';
import { withDialect, printDialectStatement } from './dialect-options.js';
import type { DialectArgs } from './dialect-options.js';
import { noteColumnsLeftOut, terminalWidth } from './terminal.js';
import { printStatement, withSqlOption } from './sql-option.js';

interface SearchArgs extends DialectArgs {
  readonly query: string;
  readonly db: string;
  readonly format: OutputFormat;
  readonly limit: number;
  readonly offset: number;
  readonly sort: 'newest' | 'time' | 'oldest';
  readonly count: boolean;
  readonly facets: boolean;
  readonly sql: boolean;
}

export const searchCommand: CommandModule<object, SearchArgs> = {
  command: 'search [query]',
  describe: 'Find events with the search language: who did what, when, from where',
  builder: (yargs) =>
    withSqlOption(
      withDialect(withFormat(withQueryFile(withDatabase(yargs as Argv<object>))))
        .positional('query', {
          type: 'string',
          default: '',
          describe: 'free text, "phrases" and field:value filters; - or NOT negates, AND is implied, OR and ( ) group',
        })
        .option('limit', { type: 'number', default: 50, describe: 'events per page (0: all)' })
        .option('offset', { type: 'number', default: 0, describe: 'skip this many matches (paging)' })
        .option('sort', {
          choices: ['newest', 'time', 'oldest'] as const,
          default: 'newest' as const,
          describe: 'newest first, or oldest first (time, oldest)',
        })
        .option('count', { type: 'boolean', default: false, describe: 'print only the number of matches' })
        .option('facets', {
          type: 'boolean',
          default: false,
          describe: 'counts by action, identity, source IP, region, account and error code',
        }),
    )
      .example('$0 search "action:RunTask since:7d"', 'tasks started in the last week')
      .example(
        '$0 search "key:AKIAQ* -error:*" --format ndjson | jq .requestParameters',
        'successful calls by a key, as original records',
      )
      .example(
        '$0 search "ip:198.51.100.0/24 (action:Create* OR action:Delete*)" --sort time',
        'an incident, oldest first',
      )
      .example('$0 search "error:AccessDenied*" --facets', 'who is being denied, and where')
      .epilog(fieldsHelp()) as unknown as Argv<SearchArgs>,
  handler: async (args) => {
    process.exitCode = await runSearchCommand(args);
  },
};

function fieldsHelp(): string {
  const fieldLines = FIELDS.map((field) => `  ${`${field.name}:`.padEnd(10)} ${field.help}`).join('\n');
  return (
    `Fields (case-insensitive, * wildcards where it makes sense):\n${fieldLines}\n` +
    'json and ndjson print the original records; csv neutralises formulas; table escapes control characters.'
  );
}

export async function runSearchCommand(args: SearchArgs): Promise<number> {
  const limit = parseLimit(args.limit);
  const offset = parseOffset(args.offset);
  const compiled = compileCommandQuery(args.query);
  const sort: SortOrder = args.sort === 'newest' ? 'newest' : 'oldest';
  // SQLite reads LIMIT -1 as none: what --sql prints for --limit 0.
  const page: Page = { sort, limit: limit ?? -1, offset };
  if (args.dialect !== 'sqlite') return printDialectStatement(args.dialect, args, page);
  if (args.sql) return printStatement(searchStatement(compiled, page), args.format);
  const db = openReadOnly(args.db);
  try {
    if (args.count) return printCount(countMatches(db, compiled), args.format);
    if (args.facets) return await printFacets(db, compiled, args.format);
    const json = args.format === 'json' || args.format === 'ndjson';
    const rows =
      limit === null
        ? allMatches(db, compiled, sort, 1_000, { withRecord: json, offset })
        : runSearch(db, compiled, page, { withRecord: json });
    const shown = { count: 0 };
    await writeResults(counted(rows, shown), args.format);
    process.stderr.write(describeShown(shown.count, { limit, offset }, () => countMatches(db, compiled)));
    return ExitCode.done;
  } finally {
    db.close();
  }
}

async function writeResults(rows: Iterable<EventListRow>, format: OutputFormat): Promise<void> {
  const write = createBackpressuredWriter(process.stdout);
  if (format === 'ndjson')
    await writeRawJsonLines(
      mapRows(rows, (row) => row.record!),
      write,
    );
  else if (format === 'json')
    await writeRawJsonArray(
      mapRows(rows, (row) => row.record!),
      write,
    );
  else if (format === 'csv')
    await writeRows('csv', mapRows(rows, toCsvRow), CSV_LABELS, process.stdout, { maxWidth: Infinity });
  else
    await writeRows('table', mapRows(rows, toListRow), LIST_LABELS, process.stdout, {
      maxWidth: terminalWidth(),
      onColumnsLeftOut: noteColumnsLeftOut,
    });
}

function* counted<T>(rows: Iterable<T>, shown: { count: number }): IterableIterator<T> {
  for (const row of rows) {
    shown.count++;
    yield row;
  }
}

/**
 * What stderr says after the results: that the page stopped at --limit, out of how many matches,
 * and how to see the rest; or that nothing matched. Matches are counted only when a page is full.
 */
function describeShown(shown: number, page: { limit: number | null; offset: number }, countAll: () => number): string {
  if (page.limit !== null && shown === page.limit) {
    const total = countAll();
    if (total > page.offset + shown) {
      const range =
        page.offset === 0
          ? `${shown.toLocaleString('en-US')}`
          : `${(page.offset + 1).toLocaleString('en-US')}-${(page.offset + shown).toLocaleString('en-US')}`;
      return formatUserMessage('warning', {
        headline: `showing ${range} of ${total.toLocaleString('en-US')} matches`,
        reason: `--limit ${page.limit} stopped the output`,
        help: `--limit 0 shows all; --offset ${page.offset + shown} shows the next page`,
      });
    }
  }
  if (shown > 0) return '';
  return page.offset > 0
    ? `0 matches after skipping ${page.offset.toLocaleString('en-US')} (--offset)\n`
    : '0 matches\n';
}

function* mapRows<T, U>(rows: Iterable<T>, map: (row: T) => U): IterableIterator<U> {
  for (const row of rows) yield map(row);
}

function printCount(count: number, format: OutputFormat): number {
  process.stdout.write(
    format === 'json' || format === 'ndjson'
      ? `${JSON.stringify({ count })}\n`
      : format === 'csv'
        ? `count\n${count}\n`
        : `${count}\n`,
  );
  return ExitCode.done;
}

async function printFacets(
  db: Parameters<typeof countFacets>[0],
  compiled: CompiledQuery,
  format: OutputFormat,
): Promise<number> {
  const result = countFacets(db, compiled);
  const rows = Object.entries(result.facets).flatMap(([facet, values]) =>
    values.map(({ value, count }) => ({ facet, value, count })),
  );
  if (format === 'json' || format === 'ndjson') {
    process.stdout.write(`${escapeJsonForTerminal(JSON.stringify(result))}\n`);
  } else {
    await writeRows(format, rows, ['facet', 'value', 'count'], process.stdout, { maxWidth: terminalWidth() });
  }
  if (!result.complete && format === 'table')
    process.stderr.write(`counts cover the newest ${result.counted} matches\n`);
  return ExitCode.done;
}
