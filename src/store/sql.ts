import type { Database as SqliteDatabase } from 'better-sqlite3';
import { UserError, messageOf } from '../errors.js';

/** A read-only statement ready to stream its rows. */
export interface SqlResult {
  readonly columns: readonly string[];
  readonly rows: IterableIterator<Record<string, unknown>>;
}

/** Pragmas that only describe the schema; any other pragma could change the connection. */
const INTROSPECTION_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'function_list',
  'pragma_list',
  'collation_list',
  'database_list',
  'compile_options',
  'integrity_check',
  'quick_check',
]);

/**
 * Prepares one statement of a user's SQL on a read-only connection. Besides the read-only open and
 * `query_only`, statements that return no rows (writes, pragma assignments), ATTACH and DETACH are
 * refused up front, so the message says why rather than "attempt to write a readonly database".
 */
export function prepareReadOnlySql(db: SqliteDatabase, sql: string, params: readonly unknown[] = []): SqlResult {
  const keyword = firstKeyword(sql);
  if (keyword === 'ATTACH' || keyword === 'DETACH')
    refuse(
      `${keyword} is refused: trailhound sql reads only the index`,
      'query the other database on its own: trailhound sql QUERY --db OTHER.db',
    );
  if (keyword === 'PRAGMA') checkPragma(sql);
  let statement;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    throw new UserError({
      what: 'bad SQL',
      reason: messageOf(error),
      help: `see the tables and their columns: trailhound sql "SELECT name, sql FROM sqlite_schema"`,
    });
  }
  if (!statement.readonly || !statement.reader) {
    refuse(
      'only statements that read are allowed (SELECT, WITH, VALUES, EXPLAIN, schema pragmas)',
      'to change the data, copy the database file and work on the copy with the sqlite3 shell',
    );
  }
  const columns = statement.columns().map((column) => column.name);
  return {
    columns,
    rows: failingAsUserError(statement.iterate(...params) as IterableIterator<Record<string, unknown>>),
  };
}

/** Errors raised while stepping (a function refused at run time, say) read like errors raised at prepare. */
function* failingAsUserError(
  rows: IterableIterator<Record<string, unknown>>,
): IterableIterator<Record<string, unknown>> {
  try {
    yield* rows;
  } catch (error) {
    throw new UserError({
      what: 'bad SQL',
      reason: messageOf(error),
      help: 'the statement failed while running: fix the function call or value the reason names',
    });
  }
}

function checkPragma(sql: string): void {
  const name = /^\s*PRAGMA\s+(?:\w+\.)?(\w+)/i.exec(stripLeadingComments(sql))?.[1]?.toLowerCase() ?? '';
  if (sql.includes('=') || (sql.includes('(') && !INTROSPECTION_PRAGMAS.has(name))) {
    refuse(
      `PRAGMA ${name} with a value is refused: it would change the connection`,
      'read the pragma without a value, or use a schema pragma such as PRAGMA table_info(events)',
    );
  }
}

function refuse(reason: string, help: string): never {
  throw new UserError({ what: 'statement refused', reason, help });
}

function firstKeyword(sql: string): string {
  return /^\s*(\w+)/.exec(stripLeadingComments(sql))?.[1]?.toUpperCase() ?? '';
}

function stripLeadingComments(sql: string): string {
  let rest = sql;
  for (;;) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('--'))
      rest = trimmed.slice(trimmed.indexOf('\n') === -1 ? trimmed.length : trimmed.indexOf('\n'));
    else if (trimmed.startsWith('/*'))
      rest = trimmed.slice(trimmed.indexOf('*/') === -1 ? trimmed.length : trimmed.indexOf('*/') + 2);
    else return trimmed;
  }
}
