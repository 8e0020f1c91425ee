import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SCHEMA_VERSION } from '../src/store/db.js';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';

/**
 * Issue 16, item 6: an index an earlier trailhound built (schema 2, records in deflated blocks read
 * through a trailhound-only SQL function) is refused by every command with how to rebuild it, and
 * no byte of it changes, nor does a WAL appear beside it.
 */
const legacySql = readFileSync(new URL('./legacy/schema-2-index.sql', import.meta.url), 'utf8');
const samples = new URL('../samples/AWSLogs', import.meta.url).pathname;

function legacyIndex(): string {
  const path = join(tempDir(), 'old.db');
  // A plain connection in SQLite's default rollback-journal mode: switching it to WAL would rewrite the header.
  const db = new Database(path);
  db.exec(legacySql);
  db.close();
  return path;
}

describe('an index of an earlier schema', () => {
  test.each([
    ['index', samples],
    ['sql', 'SELECT count(*) FROM events'],
    ['search', 'action:GetObject'],
    ['summary', 'action:GetObject'],
  ])('`trailhound %s` refuses it, says how to rebuild, and writes nothing', (command, argument) => {
    const path = legacyIndex();
    const before = readFileSync(path);
    const result = runCli([command, argument, '--db', path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: cannot open database ${path}\n` +
        ` reason: it was written by an older trailhound (schema 2; this one reads ${SCHEMA_VERSION}), ` +
        'whose layout this one does not read or convert; it was left untouched\n' +
        '   help: rebuild it from the same logs into a new file: trailhound index PATH… --db NEW.db ' +
        '(the old file can then be deleted)\n',
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  test('`trailhound verify` still verifies the archive, and stores nothing in it, saying why', () => {
    const path = legacyIndex();
    const before = readFileSync(path);
    const result = runCli(['verify', samples, '--db', path]);
    expect(result.status).toBe(4);
    expect(result.stderr).toContain(
      'warning: results not stored in the database\n' +
        ` reason: cannot open database ${path}: it was written by an older trailhound ` +
        `(schema 2; this one reads ${SCHEMA_VERSION}), whose layout this one does not read or convert; ` +
        'it was left untouched\n',
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
