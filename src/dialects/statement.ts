import { ExitCode, UserError } from '../errors.js';
import { trinoStatement, athenaSyntax, trinoDialectSyntax } from './athena.js';
import { clickhouseStatement, clickhouseSyntax } from './clickhouse.js';
import { duckdbStatement, duckdbSyntax } from './duckdb.js';
import { queryToPredicate } from './from-query.js';
import type { Predicate } from './predicate.js';
import { renderPredicate } from './render.js';
import type { DialectName } from './render.js';

/** Where the data is and how much of it to return, for the engines other than trailhound's own. */
export interface ExternalSearchOptions {
  readonly from?: string | undefined;
  readonly table?: string | undefined;
  readonly sort: 'newest' | 'oldest';
  readonly limit: number;
  readonly now?: Date;
}

/** A search-language query as one statement for an engine that reads CloudTrail where it lies. */
export function renderSearchStatement(
  dialect: Exclude<DialectName, 'sqlite'>,
  query: string,
  options: ExternalSearchOptions,
): string {
  const predicate = queryToPredicate(query, { now: options.now ?? new Date(), dialect });
  return renderPredicateStatement(dialect, predicate, { ...options, query });
}

/** A predicate tree (from the search language or a detection rule) as one statement for an engine. */
export function renderPredicateStatement(
  dialect: Exclude<DialectName, 'sqlite'>,
  predicate: Predicate,
  options: ExternalSearchOptions & { query: string; command?: string },
): string {
  const table = checkedTable(options.table);
  const statementOptions = {
    query: options.query,
    command: options.command,
    from: options.from,
    table,
    sort: options.sort,
    limit: options.limit,
    scansText: scansText(predicate),
  };
  switch (dialect) {
    case 'duckdb':
      return duckdbStatement(renderPredicate(predicate, duckdbSyntax), statementOptions);
    case 'clickhouse':
      return clickhouseStatement(renderPredicate(predicate, clickhouseSyntax), statementOptions);
    case 'athena':
      return trinoStatement('Athena', predicate, renderPredicate(predicate, athenaSyntax), statementOptions);
    case 'trino':
      return trinoStatement('Trino', predicate, renderPredicate(predicate, trinoDialectSyntax), statementOptions);
  }
}

function scansText(predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'words':
      return true;
    case 'and':
    case 'or':
      return predicate.items.some(scansText);
    case 'not':
      return scansText(predicate.item);
    default:
      return false;
  }
}

/** A table name is spliced into the statement, so it must be a plain (optionally qualified) name. */
function checkedTable(table: string | undefined): string | undefined {
  if (table === undefined || /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$/.test(table)) return table;
  throw new UserError({
    what: 'bad --table',
    reason: `"${table}" is not a table name`,
    help: 'use letters, digits and _, optionally catalog.schema.table',
    exitCode: ExitCode.usage,
  });
}
