import { ExitCode, UserError } from '../errors.js';

/**
 * What the forensic commands share: the short action name in SQL, and the options and helpers that
 * bound a stream of rows (search/read-statement.ts runs the statements).
 */

/**
 * `ecs:RunTask` from `ecs.amazonaws.com` and `RunTask`, as the AWS CLI and IAM policies write it.
 * One SQL expression, so summary groups and timeline lines name actions the same way.
 */
export const SHORT_ACTION_SQL =
  "CASE WHEN e.event_source LIKE '%.amazonaws.com' " +
  "THEN substr(e.event_source, 1, length(e.event_source) - length('.amazonaws.com')) " +
  "ELSE e.event_source END || ':' || e.event_name";

/** A `--limit N` option: a whole number, where 0 means no limit (null). */
export function parseLimit(limit: number): number | null {
  return wholeNumberOption('--limit', limit, 'use --limit 0 for no limit') || null;
}

/** An `--offset N` option: how many matches to skip. */
export function parseOffset(offset: number): number {
  return wholeNumberOption('--offset', offset, 'use --offset 0 (the default) to start from the first match');
}

/** yargs gives NaN for `abc`; `1e20` is a whole number but no count of rows SQLite can bind exactly. */
function wholeNumberOption(flag: string, value: number, help: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    const got = Number.isNaN(value) ? 'something that is not a number' : String(value);
    throw new UserError({
      what: `bad ${flag}`,
      reason: `expected a whole number, 0 or more; got ${got}`,
      help: help,
      exitCode: ExitCode.usage,
    });
  }
  return value;
}

/** `LIMIT ?` for an optional cap: SQLite reads a negative limit as none. */
export function limitParam(limit: number | null): number {
  return limit === null ? -1 : limit;
}

/** Rows transformed one at a time, as they are consumed. */
export function* mapRows<T, U>(rows: Iterable<T>, map: (row: T) => U): IterableIterator<U> {
  for (const row of rows) yield map(row);
}

/** At most `limit` rows of a source that was asked for one more, and whether that one existed. */
export interface LimitedRows<T> {
  readonly rows: IterableIterator<T>;
  /** True once iteration has found more rows than the limit. */
  readonly truncated: boolean;
}

export function limitRows<T>(source: Iterable<T>, limit: number | null): LimitedRows<T> {
  const state = { truncated: false };
  function* take(): IterableIterator<T> {
    let taken = 0;
    for (const row of source) {
      if (limit !== null && taken === limit) {
        state.truncated = true;
        return;
      }
      taken += 1;
      yield row;
    }
  }
  return {
    rows: take(),
    get truncated() {
      return state.truncated;
    },
  };
}
