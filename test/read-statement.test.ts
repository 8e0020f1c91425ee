import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../src/errors.js';
import { summarize } from '../src/forensics/summary.js';
import { compileQuery } from '../src/search/compile.js';
import { runSearch } from '../src/search/engine.js';
import { allRows, allValues, firstRow, firstValue, iterateRows } from '../src/search/read-statement.js';

/** Issue 17, item 2: one runner for read statements, with one failure guard. */

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b'), ('c')");
});
afterEach(() => db.close());

const ABOVE_A = { sql: 'SELECT id, name FROM t WHERE name > ? ORDER BY id', params: ['a'] };

function thrown(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('read statements', () => {
  it('bind their values and return rows, mapped when asked, one row, or first columns', () => {
    expect(allRows(db, ABOVE_A, 'test failed')).toEqual([
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
    expect(allRows(db, ABOVE_A, 'test failed', (row: { name: string }) => row.name)).toEqual(['b', 'c']);
    expect([...iterateRows(db, ABOVE_A, 'test failed', (row: { id: number }) => row.id * 10)]).toEqual([20, 30]);
    expect(firstRow(db, ABOVE_A, 'test failed')).toEqual({ id: 2, name: 'b' });
    expect(firstRow(db, { sql: 'SELECT id FROM t WHERE name = ?', params: ['z'] }, 'test failed')).toBeUndefined();
    expect(firstValue(db, { sql: 'SELECT count(*) FROM t WHERE name > ?', params: ['a'] }, 'test failed')).toBe(2);
    expect(allValues(db, ABOVE_A, 'test failed')).toEqual([2, 3]);
  });

  it('streamed, close their statement when iteration stops early, so the connection is free again', () => {
    for (const row of iterateRows<{ id: number }>(db, ABOVE_A, 'test failed')) {
      expect(row.id).toBe(2);
      break;
    }
    expect(() => db.exec("INSERT INTO t (name) VALUES ('d')")).not.toThrow();
  });

  it('fail as one UserError naming what failed, whether at prepare or while stepping', () => {
    const atPrepare = thrown(() => allRows(db, { sql: 'SELECT * FROM events', params: [] }, 'summary failed'));
    expect([atPrepare.message, atPrepare.exitCode, atPrepare.help]).toEqual([
      'summary failed: no such table: events',
      ExitCode.failed,
      'is the database a trailhound index? try trailhound index again',
    ]);
    const whileStepping = thrown(() => [
      ...iterateRows(db, { sql: "SELECT json_extract(name || '{', '$') FROM t", params: [] }, 'timeline failed'),
    ]);
    expect([whileStepping.message, whileStepping.exitCode]).toEqual([
      'timeline failed: malformed JSON',
      ExitCode.failed,
    ]);
  });

  it("fail as the query's fault when a statement passes SQLite's size limits", () => {
    const deep = { sql: `SELECT ${Array(1100).fill('1').join(' + ')}`, params: [] };
    const error = thrown(() => firstValue(db, deep, 'search failed'));
    expect([error.message, error.exitCode, error.help]).toEqual([
      'query too large: Expression tree is too large (maximum depth 1000)',
      ExitCode.usage,
      'split it into smaller queries; ORed values of one field (ip:a OR ip:b …) count as one filter',
    ]);
  });

  it('search and summary over a database that is not an index say which failed', () => {
    const search = thrown(() => [
      ...runSearch(db, compileQuery('action:RunTask'), { sort: 'newest', limit: 10, offset: 0 }),
    ]);
    expect([search.message, search.exitCode]).toEqual(['search failed: no such table: event_rows', ExitCode.failed]);
    const summary = thrown(() => [...summarize(db, compileQuery(''), { by: 'ip', limit: null }).rows]);
    expect([summary.message, summary.exitCode]).toEqual(['summary failed: no such table: events', ExitCode.failed]);
  });
});
