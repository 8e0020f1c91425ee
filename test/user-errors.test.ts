import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli, stabilise } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { findUserErrorSites, programOf, sourceFiles } from './helpers/user-error-sites.js';
import type { UserErrorSite } from './helpers/user-error-sites.js';

/** Issue 17, item 4: every failure the user sees ends with what to do next. */
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const src = join(root, 'src');

describe('every UserError has help', () => {
  let sites: UserErrorSite[];
  beforeAll(() => {
    sites = findUserErrorSites(programOf(root, sourceFiles(src)), src);
  }, 60_000);

  test("the compiler finds every `new UserError(` written in src/, and the subclasses' super calls", () => {
    const written = sourceFiles(src).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\bnew UserError\(/.test(line) ? [`${relative(src, file)}:${i + 1}`] : [])),
    );
    const found = sites.map((site) => site.at);
    expect(found.filter((at) => written.includes(at)).sort()).toEqual(written.sort());
    // The rest are the subclasses' super calls: a query error and a dialect error.
    expect(found.filter((at) => !written.includes(at)).sort()).toEqual([
      'dialects/render.ts:36',
      'search/compile.ts:18',
    ]);
  });

  test('each site has a help that is written out and not empty', () => {
    const faults = sites.flatMap((site) => site.faults.map((fault) => `${site.at}: ${fault}`));
    expect(faults).toEqual([]);
    for (const site of sites) expect(site.helps.length, site.at).toBeGreaterThan(0);
  });

  test('a help passed down through parameters is followed to each text that reaches it', () => {
    const limit = sites.find((site) => site.helps.some((help) => help.text === 'use --limit 0 for no limit'));
    expect(limit?.helps.map((help) => help.text).sort()).toEqual([
      'use --limit 0 for no limit',
      'use --offset 0 (the default) to start from the first match',
    ]);
  });
});

describe('the help check fails where it should', () => {
  const cases: [name: string, body: string, faults: string[]][] = [
    ['no help', "export const e = new UserError({ what: 'x', reason: 'y' } as never);", ['no help']],
    [
      'an empty help',
      "export const e = new UserError({ what: 'x', reason: 'y', help: ' ' });",
      ['empty help, written at {file}:2'],
    ],
    [
      'a help of nothing but a value',
      "export const e = (h: string) => new UserError({ what: 'x', reason: 'y', help: `${h}` });",
      ['empty help, written at {file}:2'],
    ],
    [
      'a caller that passes an empty help',
      "const make = (help: string) => new UserError({ what: 'x', reason: 'y', help, exitCode: ExitCode.usage });\n" +
        "export const a = make('fine');\nexport const b = make('');",
      ['empty help, written at {file}:4'],
    ],
    [
      'a caller that passes no help',
      "const make = (help?: string) => new UserError({ what: 'x', reason: 'y', help: help as string });\n" +
        'export const a = make();',
      ['{file}:3: no help passed'],
    ],
  ];
  // One program for all cases: building one costs seconds.
  const files = new Map(
    cases.map(([, body], i) => [
      join(src, `virtual-site-${i}.ts`),
      `import { ExitCode, UserError } from './errors.js';\n${body}\n`,
    ]),
  );
  let faults: Map<string, string[]>;
  beforeAll(() => {
    const found = findUserErrorSites(programOf(root, [join(src, 'errors.ts')], files), src);
    faults = new Map(found.map((site) => [site.at.replace(/:\d+$/, ''), [...site.faults]]));
  }, 60_000);

  test.each(cases.map(([name, , expected], i) => [name, `virtual-site-${i}.ts`, expected] as const))(
    '%s',
    (_name, file, expected) => {
      expect(faults.get(file)).toEqual(expected.map((fault) => fault.replaceAll('{file}', file)));
    },
  );
});

describe('the help line as the user reads it (exit code and the whole of stderr)', () => {
  const fixtures = join(root, 'test', 'fixtures');

  test('a query with an unclosed parenthesis: the caret, and how to close it', () => {
    const result = runCli(['search', 'user:alice (action:RunTask', '--db', join(tempDir(), 'unused.db')]);
    expect([result.status, result.stdout, result.stderr]).toEqual([
      2,
      '',
      'error: bad query\n' +
        ' reason: "(" is never closed\n' +
        '  where: user:alice (action:RunTask\n' +
        '                    ^\n' +
        '   help: add the ")" that closes it, or write "(" in quotes to search for it\n',
    ]);
  });

  test('a field with a space before its value', () => {
    const result = runCli(['search', 'user: alice', '--db', join(tempDir(), 'unused.db')]);
    expect([result.status, result.stderr]).toEqual([
      2,
      'error: bad query\n' +
        ' reason: "user:" needs a value\n' +
        '  where: user: alice\n' +
        '         ^^^^^\n' +
        '   help: put the value right after the colon, without a space: user:VALUE\n',
    ]);
  });

  test('an SQLite file of another program: which --db to give instead', () => {
    const other = join(tempDir(), 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const result = runCli(['sql', 'SELECT 1', '--db', other]);
    expect([result.status, result.stdout, result.stderr]).toEqual([
      1,
      '',
      `error: cannot open database ${other}\n` +
        ' reason: it is an SQLite file, but not a trailhound database; it was left untouched\n' +
        '   help: check the --db path: it names an index, or a new file for trailhound index to create\n',
    ]);
  });

  test('problems with an input carry their own help: a truncated gzip, a file of another shape', () => {
    const dir = tempDir();
    const whole = gzipSync(readFileSync(join(fixtures, 'records-object.json')));
    // Cut right after the 10-byte gzip header: nothing inflates before the end.
    writeFileSync(join(dir, 'cut.json.gz'), whole.subarray(0, 10));
    for (const name of ['records-object.json', 's3-event-notification.json'])
      copyFileSync(join(fixtures, name), join(dir, name));
    const result = runCli(['index', dir, '--db', join(dir, 'case.db')]);
    expect(result.status).toBe(0);
    expect(
      stabilise(result.stderr, { [dir]: '{tmp}' })
        .split('\n')
        .slice(3)
        .join('\n'),
    ).toBe(
      [
        'warning: skipped input (decompress)',
        ' reason: gzip data ends early (truncated file?)',
        '  where: {tmp}/cut.json.gz, after 0 decompressed bytes',
        '   help: download the file again (aws s3 cp); this copy is damaged or cut short',
        'warning: skipped input (normalize)',
        ' reason: an aws:s3 event notification, not a CloudTrail event',
        '  where: {tmp}/s3-event-notification.json, record 0, line 1, byte 13',
        "   help: only CloudTrail records are indexed; give the trail's AWSLogs/<account>/CloudTrail/ folders, " +
          'or leave this file out',
        '',
      ].join('\n'),
    );
  });
});
