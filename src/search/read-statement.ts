import { ExitCode, UserError, messageOf } from '../errors.js';
import type { SqliteDatabase } from '../store/db.js';
import type { SqlPart } from './sql-part.js';

/**
 * The one way search, the forensic commands and the terminal UI's answers run a read statement: a
 * `SqlPart` whose values are bound, never spliced; its rows streamed, or read all at once; and one
 * guard that turns SQLite's failures into a UserError headed by what failed (`failure`).
 */

/**
 * Rows of `statement`, each through `map` when given, read as they are consumed; the statement is closed when iteration
 * stops early.
 */
export function* iterateRows<R, T = R>(
  db: SqliteDatabase,
  statement: SqlPart,
  failure: string,
  map?: (row: R) => T,
): IterableIterator<T> {
  const rows = guard(failure, () => db.prepare(statement.sql).iterate(...statement.params) as IterableIterator<R>);
  try {
    while (true) {
      const next = guard(failure, () => rows.next());
      if (next.done) return;
      yield map ? map(next.value) : (next.value as unknown as T);
    }
  } finally {
    rows.return?.();
  }
}

/** Every row of `statement`, each through `map` when given: for results bounded by a LIMIT or by their nature. */
export function allRows<R, T = R>(db: SqliteDatabase, statement: SqlPart, failure: string, map?: (row: R) => T): T[] {
  const rows = guard(failure, () => db.prepare(statement.sql).all(...statement.params) as R[]);
  return map ? rows.map(map) : (rows as unknown as T[]);
}

/** The first row of `statement`, or undefined when it has none. */
export function firstRow<R>(db: SqliteDatabase, statement: SqlPart, failure: string): R | undefined {
  return guard(failure, () => db.prepare(statement.sql).get(...statement.params) as R | undefined);
}

/** The first column of the first row (a count, an id), or undefined when there is no row. */
export function firstValue<V>(db: SqliteDatabase, statement: SqlPart, failure: string): V | undefined {
  return guard(
    failure,
    () =>
      db
        .prepare(statement.sql)
        .pluck()
        .get(...statement.params) as V | undefined,
  );
}

/** The first column of every row (row ids), without building an object per row. */
export function allValues<V>(db: SqliteDatabase, statement: SqlPart, failure: string): V[] {
  return guard(
    failure,
    () =>
      db
        .prepare(statement.sql)
        .pluck()
        .all(...statement.params) as V[],
  );
}

/** SQLite's own size limits (expression depth, too many terms or variables), as its messages name them. */
const SIZE_LIMIT = /too large|too many|too big|stack overflow/i;

/**
 * SQLite failures of a read mean a database from elsewhere or a bug, never the user's query text,
 * except SQLite's size limits, which only a huge query reaches (compile.ts keeps queries below them).
 */
function guard<T>(failure: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (SIZE_LIMIT.test(messageOf(error))) {
      throw new UserError({
        what: 'query too large',
        reason: messageOf(error),
        help: 'split it into smaller queries; ORed values of one field (ip:a OR ip:b …) count as one filter',
        exitCode: ExitCode.usage,
      });
    }
    throw new UserError({
      what: failure,
      reason: messageOf(error),
      help: 'is the database a trailhound index? try trailhound index again',
    });
  }
}
