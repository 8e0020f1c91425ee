import { describe, expect, test } from 'vitest';
import { escapeForTerminal, neutralizeCsvFormula, truncateToWidth, displayWidth } from '../src/present/safe-text.js';
import { writeRows } from '../src/present/format.js';
import type { OutputFormat, Row } from '../src/present/format.js';
import { formatDuration, formatProgress } from '../src/present/progress.js';

const HOSTILE = {
  csi: 'a\u001b[31mred',
  osc8: '\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007',
  osc52: '\u001b]52;c;ZXZpbA==\u0007',
  c1csi: 'x\u009b2Jy',
  bidi: 'user\u202Etxt.exe',
  cr: 'safe\roverwritten',
  bs: 'abc\b\b\bxyz',
  nul: 'a\u0000b',
};
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function render(
  format: OutputFormat,
  rows: Row[],
  columns: string[],
  maxWidth = Number.POSITIVE_INFINITY,
): Promise<string> {
  let out = '';
  await writeRows(format, rows, columns, { write: (chunk) => ((out += chunk), true) }, { maxWidth });
  return out;
}

describe('escapeForTerminal', () => {
  test.each([
    ['a\u001b[31mred', 'a\\e[31mred'],
    ['\u001b]52;c;ZXZpbA==\u0007', '\\e]52;c;ZXZpbA==\\x07'],
    ['x\u009b2Jy', 'x\\x9b2Jy'],
    ['user\u202Etxt.exe', 'user\\u202etxt.exe'],
    ['safe\roverwritten', 'safe\\roverwritten'],
    ['abc\b\bx', 'abc\\b\\bx'],
    ['a\u0000b\u007f', 'a\\x00b\\x7f'],
    ['line\nbreak\ttab', 'line\\nbreak\\ttab'],
    ['lone \ud800 surrogate', 'lone \\ud800 surrogate'],
    ['emoji 🚀 and 日本 stay', 'emoji 🚀 and 日本 stay'],
  ])('%j → %j', (input, expected) => {
    expect(escapeForTerminal(input)).toBe(expected);
  });
});

describe('neutralizeCsvFormula', () => {
  test.each([
    ['=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/a'],
  ])('%j → %j', (input, expected) => {
    expect(neutralizeCsvFormula(input)).toBe(expected);
  });
});

describe('writers', () => {
  const rows: Row[] = [
    { id: 1, agent: HOSTILE.osc52, note: null },
    { id: 22, agent: 'aws-cli/2.15', note: '=1+1' },
  ];

  test('table: header, rule, rows, escaped cells, numbers right-aligned', async () => {
    expect(await render('table', rows, ['id', 'agent', 'note'])).toBe(
      [
        'id  agent                 note',
        '--  --------------------  ----',
        ' 1  \\e]52;c;ZXZpbA==\\x07',
        '22  aws-cli/2.15          =1+1',
        '',
      ].join('\n'),
    );
  });

  test('table fits the terminal width', async () => {
    const wide: Row[] = [{ a: 'x'.repeat(100), b: 'y'.repeat(100) }];
    for (const width of [40, 80]) {
      const lines = (await render('table', wide, ['a', 'b'], width)).trimEnd().split('\n');
      expect(Math.max(...lines.map((line) => displayWidth(line)))).toBeLessThanOrEqual(width);
      expect(lines[2]).toMatch(/^x+… {2}y+…$/);
    }
  });

  test('csv: RFC 4180 quoting, CRLF, formula guard', async () => {
    expect(await render('csv', [{ a: 'say "hi", ok', b: '=cmd|calc', c: 3, d: null }], ['a', 'b', 'c', 'd'])).toBe(
      'a,b,c,d\r\n"say ""hi"", ok",\'=cmd|calc,3,\r\n',
    );
  });

  test.each(['json', 'ndjson'] as const)(
    '%s stays valid, equal JSON and carries no raw control characters',
    async (format) => {
      const hostileRows: Row[] = Object.entries(HOSTILE).map(([name, value]) => ({ name, value }));
      const text = await render(format, hostileRows, ['name', 'value']);
      expect(text).not.toMatch(RAW_CONTROL);
      const parsed =
        format === 'json'
          ? JSON.parse(text)
          : text
              .trim()
              .split('\n')
              .map((line) => JSON.parse(line));
      expect(parsed).toEqual(hostileRows);
    },
  );

  test('no human format lets a hostile string through raw', async () => {
    const hostileRows: Row[] = Object.values(HOSTILE).map((value) => ({ value }));
    for (const format of ['table', 'csv'] as const)
      expect(await render(format, hostileRows, ['value'])).not.toMatch(/[\u001b\u009b\u202e\u0000\u0008]/);
  });

  test('rows stream from an async source without being collected first', async () => {
    async function* many(): AsyncGenerator<Row> {
      for (let i = 0; i < 10_000; i++) yield { i };
    }
    let out = '';
    await writeRows('ndjson', many(), ['i'], { write: (chunk) => ((out += chunk), true) }, { maxWidth: 80 });
    expect(out.trim().split('\n')).toHaveLength(10_000);
  });
});

describe('progress', () => {
  test('files, events, rate and an ETA from bytes', () => {
    expect(formatProgress({ filesDone: 10, filesTotal: 40, bytesDone: 1000, bytesTotal: 4000, events: 5000 }, 2)).toBe(
      'indexing: 10/40 files · 5,000 events · 2,500 events/s · ETA 6.0s',
    );
    expect(formatProgress({ filesDone: 3, filesTotal: null, bytesDone: 10, bytesTotal: null, events: 12 }, 0.5)).toBe(
      'indexing: 3 files · 12 events · 24 events/s',
    );
  });

  test.each([
    [0.25, '0.3s'],
    [42, '42s'],
    [125, '2m05s'],
    [7300, '2h01m'],
  ])('formatDuration(%d) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('truncateToWidth counts wide characters', () => {
    expect(truncateToWidth('日本語テキスト', 7)).toBe('日本語…');
  });
});
