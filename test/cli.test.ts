import { describe, expect, test } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { runCli, stabilise } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { SCHEMA_VERSION } from '../src/store/db.js';
import { commandName, loadCommands } from '../src/commands/all.js';

const COMMANDS = await loadCommands();

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function indexedFixtures(...names: string[]): string {
  const dir = tempDir();
  for (const name of names) copyFileSync(join(fixtures, name), join(dir, name));
  const db = join(dir, 'case.db');
  const result = runCli(['index', dir, '--db', db]);
  expect(result.status).toBe(0);
  return db;
}

describe('trailhound index', () => {
  test('prints a summary on stderr, nothing on stdout, and exits 0 when problems were recorded', () => {
    const dir = tempDir();
    for (const name of ['records-object.json', 'not-json.txt']) copyFileSync(join(fixtures, name), join(dir, name));
    const db = join(dir, 'case.db');
    const result = runCli(['index', dir, '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(stabilise(result.stderr, { [dir]: '{tmp}' })).toBe(
      [
        'indexed: 2 files (2 read, 0 unchanged, 0 partly read, 1 unreadable), 0 digests',
        'events: 2 read, 2 new, in {ms} ({rate} events/s) into {tmp}/case.db',
        'problems: 1 (first 1 below; all with: trailhound sql "SELECT * FROM problems" --db {tmp}/case.db)',
        'warning: skipped input (decode)',
        ' reason: not JSON: unexpected byte 0x68',
        '  where: {tmp}/not-json.txt, byte 0',
        '',
      ].join('\n'),
    );
  });

  test('a second run reads nothing new', () => {
    const dir = tempDir();
    copyFileSync(join(fixtures, 'records-object.json'), join(dir, 'a.json'));
    const db = join(dir, 'case.db');
    runCli(['index', dir, '--db', db]);
    const again = runCli(['index', dir, '--db', db]);
    expect(again.status).toBe(0);
    expect(again.stderr.split('\n')[0]).toBe(
      'indexed: 1 files (0 read, 1 unchanged, 0 partly read, 0 unreadable), 0 digests',
    );
  });

  test('nothing readable is a failure, exit 1', () => {
    const dir = tempDir();
    const result = runCli(['index', join(dir, 'no-such-folder'), '--db', join(dir, 'x.db')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: nothing to index\n reason: no such file or folder: ');
  });

  test('a file that is not a database is refused and left untouched', () => {
    const dir = tempDir();
    const notDb = join(dir, 'notes.db');
    writeFileSync(notDb, 'my precious notes, not SQLite at all, long enough to look like a header........');
    const result = runCli(['index', fixtures, '--db', notDb]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot open database ${notDb}\n` +
        ' reason: the file is not a trailhound database (not SQLite); it was left untouched\n' +
        '   help: check the --db path: it names an index, or a new file for trailhound index to create\n',
    );
    expect(readFileSync(notDb, 'utf8')).toBe(
      'my precious notes, not SQLite at all, long enough to look like a header........',
    );
  });

  test('a database from an older trailhound is refused, never rewritten', () => {
    const db = indexedFixtures('records-object.json');
    const raw = new Database(db);
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION - 1);
    raw.close();
    const before = readFileSync(db);
    for (const args of [
      ['sql', 'SELECT 1'],
      ['search', 'user:alice'],
      ['index', fixtures],
    ]) {
      const result = runCli([...args, '--db', db]);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toBe(
        `error: cannot open database ${db}\n` +
          ` reason: it was written by an older trailhound (schema ${SCHEMA_VERSION - 1};` +
          ` this one reads ${SCHEMA_VERSION}), whose layout this one does not read or convert;` +
          ' it was left untouched\n' +
          '   help: rebuild it from the same logs into a new file: trailhound index PATH… --db NEW.db' +
          ' (the old file can then be deleted)\n',
      );
    }
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  test('a database from a newer trailhound is refused, never rewritten', () => {
    const db = indexedFixtures('records-object.json');
    const raw = new Database(db);
    raw.prepare("UPDATE meta SET value = 99 WHERE key = 'schema_version'").run();
    raw.close();
    const result = runCli(['sql', 'SELECT 1', '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot open database ${db}\n` +
        ` reason: it was written by a newer trailhound (schema 99; this one reads ${SCHEMA_VERSION});` +
        ' it was left untouched\n' +
        '   help: upgrade trailhound, or index into a new --db file\n',
    );
  });
});

describe('trailhound sql', () => {
  test('answers in every format', () => {
    const db = indexedFixtures('records-object.json');
    const query = 'SELECT event_id, event_name, source_ip_address FROM events ORDER BY event_id';
    expect(JSON.parse(runCli(['sql', query, '--db', db, '--format', 'json']).stdout)).toEqual([
      { event_id: '00000000-0000-0000-0000-000000000001', event_name: 'RunTask', source_ip_address: '203.0.113.1' },
      { event_id: '00000000-0000-0000-0000-000000000002', event_name: 'RunTask', source_ip_address: '203.0.113.2' },
    ]);
    expect(runCli(['sql', query, '--db', db, '--format', 'csv']).stdout).toBe(
      'event_id,event_name,source_ip_address\r\n' +
        '00000000-0000-0000-0000-000000000001,RunTask,203.0.113.1\r\n' +
        '00000000-0000-0000-0000-000000000002,RunTask,203.0.113.2\r\n',
    );
    const ndjson = runCli(['sql', query, '--db', db, '--format', 'ndjson']).stdout.trim().split('\n');
    expect(ndjson.map((line) => JSON.parse(line).event_id)).toEqual([
      '00000000-0000-0000-0000-000000000001',
      '00000000-0000-0000-0000-000000000002',
    ]);
  });

  test('json_extract works on the record column for any field', () => {
    const db = indexedFixtures('assumed-role-session.json');
    const result = runCli([
      'sql',
      "SELECT json_extract(record, '$.userIdentity.sessionContext.attributes.creationDate') AS created FROM events",
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect(JSON.parse(result.stdout)).toEqual([{ created: '2026-03-02T09:00:00Z' }]);
  });

  const pragmaHelp = 'read the pragma without a value, or use a schema pragma such as PRAGMA table_info(events)';
  test.each([
    [
      'DELETE FROM event_rows',
      'only statements that read are allowed (SELECT, WITH, VALUES, EXPLAIN, schema pragmas)',
      'to change the data, copy the database file and work on the copy with the sqlite3 shell',
    ],
    [
      "ATTACH DATABASE '/tmp/other.db' AS other",
      'ATTACH is refused: trailhound sql reads only the index',
      'query the other database on its own: trailhound sql QUERY --db OTHER.db',
    ],
    [
      'PRAGMA writable_schema = 1',
      'PRAGMA writable_schema with a value is refused: it would change the connection',
      pragmaHelp,
    ],
    ['PRAGMA query_only(0)', 'PRAGMA query_only with a value is refused: it would change the connection', pragmaHelp],
  ])('refuses %s', (statement, reason, help) => {
    const db = indexedFixtures('records-object.json');
    const result = runCli(['sql', statement, '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: statement refused\n reason: ${reason}\n   help: ${help}\n`);
  });

  test('load_extension is not available', () => {
    const db = indexedFixtures('records-object.json');
    const result = runCli(['sql', "SELECT load_extension('/tmp/evil.so')", '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: bad SQL\n reason: not authorized\n' +
        '   help: the statement failed while running: fix the function call or value the reason names\n',
    );
  });

  test('bad SQL is a one-line reason and exit 1', () => {
    const db = indexedFixtures('records-object.json');
    const result = runCli(['sql', 'SELEC nothing', '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: bad SQL\n reason: near "SELEC": syntax error\n' +
        '   help: see the tables and their columns: trailhound sql "SELECT name, sql FROM sqlite_schema"\n',
    );
  });

  test('table output escapes control characters from the logs', () => {
    const dir = tempDir();
    const hostile = {
      eventVersion: '1.08',
      eventID: 'x',
      eventTime: '2026-03-02T10:00:00Z',
      userAgent: 'curl\u001b]52;c;ZXZpbA==\u0007\u001b[31mred\r\u202Eevil',
    };
    writeFileSync(join(dir, 'hostile.json'), JSON.stringify(hostile));
    const db = join(dir, 'case.db');
    runCli(['index', dir, '--db', db]);
    const result = runCli(['sql', 'SELECT user_agent FROM events', '--db', db]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(result.stdout).toContain('curl');
  });
});

/** The options and positionals a command's builder declares, as yargs records them. */
function declaredOptions(command: CommandModule): string[] {
  const parser = yargs([]);
  if (typeof command.builder === 'function') command.builder(parser);
  // yargs 18 has getOptions(); @types/yargs (17) does not declare it.
  const { key } = (parser as unknown as { getOptions(): { key: Record<string, boolean> } }).getOptions();
  return Object.keys(key).sort();
}

/**
 * Each entry of the Positionals and Options sections of a help text, keyed by name, with its
 * description (wrapped lines joined, the trailing [type] [default: …] tags removed).
 */
function helpEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let section = '';
  let current: string | undefined;
  for (const line of help.split('\n')) {
    if (/^\S/.test(line) || line === '') {
      section = line;
      current = undefined;
      continue;
    }
    if (section !== 'Positionals:' && section !== 'Options:') continue;
    const entry = (
      section === 'Options:' ? /^ {2}(?:-\w, | {4})--([\w-]+)(?: {2,}(.*))?$/ : /^ {2}([\w-]+)(?: {2,}(.*))?$/
    ).exec(line);
    if (entry) {
      current = entry[1]!;
      entries.set(current, entry[2] ?? '');
    } else if (current !== undefined) {
      entries.set(current, `${entries.get(current)} ${line.trim()}`);
    }
  }
  for (const [name, text] of entries)
    entries.set(name, text.replace(/(\s*\[(?:[^[\]]|\[[^\]]*\])*\])+\s*$/, '').trim());
  return entries;
}

describe('help', () => {
  test('trailhound --help lists every command', () => {
    const commands = /\nCommands:\n([\s\S]*?)\n\n/.exec(runCli(['--help']).stdout)![1]!;
    const listed = [...commands.matchAll(/^ {2}trailhound ([\w-]+)/gm)].map((match) => match[1]);
    expect(listed).toEqual(COMMANDS.map(commandName));
  });

  test.each(COMMANDS.map((command) => [commandName(command), command] as const))(
    '%s --help describes the command and each of its options',
    (name, command) => {
      const result = runCli([name, '--help']);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      const [usage, blank, description] = result.stdout.split('\n');
      expect({ usage: usage!.split(' ').slice(0, 2).join(' '), blank }).toEqual({
        usage: `trailhound ${name}`,
        blank: '',
      });
      expect(description).toMatch(/\w{3}/);
      const described = helpEntries(result.stdout);
      expect([...described.keys()].sort()).toEqual(declaredOptions(command));
      for (const [option, text] of described) expect(text, `${name} --${option}`).toMatch(/\w{3}/);
    },
  );

  test('an unknown command is a usage error, exit 2', () => {
    const result = runCli(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: bad usage\n reason: Unknown argument: frobnicate\n/);
  });
});
