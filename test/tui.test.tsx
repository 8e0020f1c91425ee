import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';

// Ink's colour library reads FORCE_COLOR once, when loaded: with colour off a frame holds no escape
// at all, so any escape in it came from a log. Hoisted above the imports that load Ink.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '0';
});

import Database from 'better-sqlite3';
import { render, cleanup } from 'ink-testing-library';
import type { EventListRow } from '../src/search/engine.js';
import { shortIdentity } from '../src/present/event-row.js';
import { displayWidth } from '../src/present/safe-text.js';
import { App } from '../src/tui/components/App.js';
import type { AppProps } from '../src/tui/components/App.js';
import { detailLines } from '../src/tui/text/detail-lines.js';
import { facetTerm } from '../src/tui/state/facet-items.js';
import { createFileHistory, createMemoryHistory } from '../src/tui/state/history.js';
import { prettyJsonLines, wrapStyledLines } from '../src/tui/text/json-lines.js';
import { measureKeystrokeLatency } from '../bench/keystroke-latency.js';
import { pivotQuery } from '../src/tui/state/pivots.js';
import type { SearchClient } from '../src/search-service/protocol.js';
import { addTerm, quoteValue } from '../src/tui/state/query-text.js';
import { createSearchClient } from '../src/search-service/threads.js';
import { fitTimeline, sparkline } from '../src/tui/text/timeline.js';
import { indexInto } from './helpers/temp-index.js';
import { driveApp } from './helpers/drive-app.js';

/** A small trail, written at test time, whose answers the tests work out from the records themselves. */
type Rec = Record<string, any>;
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const BOB = 'arn:aws:iam::111122223333:user/bob';
const CAROL = 'arn:aws:iam::444455556666:user/carol';
const ADMIN_ROLE = 'arn:aws:iam::111122223333:role/Admin';
const ADMIN_SESSION = 'arn:aws:sts::111122223333:assumed-role/Admin/alice';
/** Clipboard write (OSC 52), screen clear, cursor home, bidi override, CR, BS, hyperlink (OSC 8), 8-bit CSI. */
const HOSTILE_AGENT =
  'curl/8.0 \u001b]52;c;aGFja2Vk\u0007 \u001b[2J\u001b[H \u202eexe.txt \r\b ' +
  '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 \u009b31m';
const RAW_CONTROLS = /[\u001b\u0007\u0008\r\u202e\u009b]/;

function user(arn: string, key: string): Rec {
  const name = arn.split('/').pop();
  return {
    type: 'IAMUser',
    principalId: `AIDA${name}`,
    arn,
    accountId: arn.split(':')[4],
    accessKeyId: key,
    userName: name,
  };
}

const ADMIN = {
  type: 'AssumedRole',
  principalId: 'AROAADMIN:alice',
  arn: ADMIN_SESSION,
  accountId: '111122223333',
  accessKeyId: 'ASIAADMINSESSION0001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAADMIN',
      arn: ADMIN_ROLE,
      accountId: '111122223333',
      userName: 'Admin',
    },
    attributes: { mfaAuthenticated: 'true' },
  },
};

function event(n: number, time: string, identity: Rec, action: string, extra: Rec = {}): Rec {
  return {
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: time,
    eventSource: action === 'RunTask' || action === 'DescribeTasks' ? 'ecs.amazonaws.com' : 's3.amazonaws.com',
    eventName: action,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.5',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    eventID: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: identity['accountId'],
    ...extra,
  };
}

const RECORDS: Rec[] = [
  event(1, '2026-03-02T10:05:00Z', user(ALICE, 'AKIAALICE00000000001'), 'RunTask'),
  event(2, '2026-03-02T10:40:00Z', ADMIN, 'RunTask', { sourceIPAddress: '203.0.113.40' }),
  event(3, '2026-03-02T11:00:00Z', user(BOB, 'AKIABOB0000000000001'), 'DeleteBucket', {
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    errorCode: 'AccessDenied',
    errorMessage: 'User: bob is not authorized',
  }),
  event(4, '2026-03-02T11:20:00Z', user(ALICE, 'AKIAALICE00000000001'), 'GetObject', {
    awsRegion: 'eu-west-1',
    userAgent: HOSTILE_AGENT,
    requestParameters: { bucketName: 'logs\u001b[31mred', key: '\u202etxt.exe', size: 'BIG' },
  }),
  event(5, '2026-03-02T11:30:00Z', user(ALICE, 'AKIAALICE00000000001'), 'ListBuckets', {
    sourceIPAddress: '198.51.100.7',
  }),
  event(6, '2026-03-02T10:50:00Z', ADMIN, 'DescribeTasks', { sourceIPAddress: '203.0.113.40' }),
  // Carol: enough events for several pages of the list.
  ...Array.from({ length: 240 }, (_, i) =>
    event(
      100 + i,
      new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z'),
      user(CAROL, 'AKIACAROL0000000001'),
      'ListClusters',
      { awsRegion: 'us-west-2', sourceIPAddress: '192.0.2.9' },
    ),
  ),
];

/** The list's rows as the tests expect them: newest first, time, short identity and action. */
function expectedRows(match: (r: Rec) => boolean): string[][] {
  return RECORDS.filter(match)
    .sort((a, b) => b.eventTime.localeCompare(a.eventTime))
    .map((r) => [
      r.eventTime.replace('T', ' ').replace('Z', ''),
      shortIdentity({
        user_identity_arn: r.userIdentity.arn,
        user_identity_type: r.userIdentity.type,
        user_identity_user_name: null,
        user_identity_invoked_by: null,
      }),
      r.eventName,
    ]);
}

/** The rows on screen: [time, identity, action] of each list line. */
function screenRows(frame: string): string[][] {
  return frame
    .split('\n')
    .filter((line) => /^[› ][ ◆]\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /.test(line))
    .map((line) => {
      const time = line.slice(2, 21);
      const words = line.slice(21).trim().split(/\s+/);
      // account, region, identity, action, source IP, error
      return [time, words[2]!, words[3]!];
    });
}

let dbPath: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trailhound-tui-'));
  const file = join(dir, 'trail.json');
  // A number no JavaScript number holds: the record must show it digit for digit.
  writeFileSync(file, JSON.stringify({ Records: RECORDS }).replace('"size":"BIG"', '"size":12345678901234567890'));
  dbPath = (await indexInto([file], { dbPath: join(dir, 'index.db') })).dbPath;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clients: SearchClient[] = [];
afterEach(async () => {
  cleanup();
  for (const client of clients.splice(0)) await client.close();
});

const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  tab: '\t',
  pageDown: '\u001b[6~',
  end: '\u001b[F',
};

function start(props: Partial<AppProps> = {}) {
  const client = createSearchClient(props.dbPath ?? dbPath);
  clients.push(client);
  const app = render(
    <App
      client={client}
      dbPath={dbPath}
      initialQuery=""
      history={createMemoryHistory()}
      theme={{ color: false }}
      exportDir={dir}
      size={{ columns: 100, rows: 30 }}
      debounceMs={5}
      statusPollMs={60_000}
      {...props}
    />,
  );
  const { frame, waitFor, press } = driveApp(app, 500);
  return { app, frame, waitFor, press };
}

describe('terminal UI', () => {
  test('typing a query shows its matches, newest first, with the count', async () => {
    const { waitFor, press } = start();
    await waitFor((f) => f.includes('246 matches'), 'all events');
    await press('action:RunTask');
    const frame = await waitFor((f) => f.includes('2 matches') && screenRows(f).length === 2, 'RunTask rows');
    expect(screenRows(frame)).toEqual(expectedRows((r) => r.eventName === 'RunTask'));
    expect(frame.split('\n')[0]).toBe('search› action:RunTask█');
  });

  test('arrows move the selection and the detail pane shows the selected event', async () => {
    const { waitFor, press } = start({ initialQuery: 'account:111122223333' });
    const expected = expectedRows((r) => r.recipientAccountId === '111122223333');
    let frame = await waitFor((f) => screenRows(f).length === expected.length, 'account rows');
    expect(screenRows(frame)).toEqual(expected);
    await press(KEYS.down, 'j', KEYS.up, KEYS.down, KEYS.down, KEYS.down);
    frame = await waitFor((f) => f.includes('event 5 of 6'), 'fifth event selected');
    const selected = frame.split('\n').find((line) => line.startsWith('› '))!;
    expect(selected.slice(2, 21)).toBe(expected[4]![0]);
    expect(frame).toContain(`WHO    AssumedRole  ${ADMIN_SESSION}`);
    expect(frame).toContain(`key ASIAADMINSESSION0001  issuer ${ADMIN_ROLE}  MFA yes`);
    expect(frame).toContain('WHAT   ecs.amazonaws.com  RunTask  writes');
    expect(frame).toContain('WHERE  us-east-1  from 203.0.113.40');
    expect(frame).toContain('WHEN   2026-03-02T10:40:00Z');
    expect(frame).toContain('RESULT OK');
    await waitFor((f) => f.includes(`FILE   ${join(dir, 'trail.json')} #1  not verified`), 'source file');
    await press(KEYS.tab, 'j', 'j');
    await waitFor((f) => f.includes('▸ event 5 of 6  lines 3-'), 'detail scrolled');
  });

  test('an error result shows its code and message', async () => {
    const { waitFor } = start({ initialQuery: 'error:*' });
    const frame = await waitFor((f) => f.includes('RESULT AccessDenied'), 'error detail');
    expect(frame).toContain('RESULT AccessDenied  User: bob is not authorized');
  });

  test('pivots replace the query and Backspace or b returns to the one before', async () => {
    const { waitFor, press, frame } = start({ initialQuery: 'action:RunTask' });
    await waitFor((f) => screenRows(f).length === 2, 'RunTask rows');
    // The newest RunTask is the Admin session's: i = every session of its role, s = this session.
    await press('i');
    await waitFor((f) => f.startsWith(`search: user:${ADMIN_ROLE}\n`) && screenRows(f).length === 2, 'identity pivot');
    expect(screenRows(frame())).toEqual(
      expectedRows((r) => r.userIdentity.sessionContext?.sessionIssuer?.arn === ADMIN_ROLE),
    );
    await press(KEYS.down, 'p');
    await waitFor((f) => f.startsWith('search: ip:203.0.113.40\n'), 'IP pivot');
    await press('K');
    await waitFor((f) => f.startsWith('search: key:ASIAADMINSESSION0001\n'), 'key pivot');
    await press('s');
    await waitFor((f) => f.startsWith(`search: user:${ADMIN_SESSION}\n`), 'session pivot');
    await press('t');
    await waitFor((f) => f.startsWith('search: since:2026-03-02T10:35:00Z until:2026-03-02T11:05:00Z\n'), 'time pivot');
    expect(screenRows(await waitFor((f) => screenRows(f).length === 3, 'time rows'))).toEqual(
      expectedRows((r) => r.eventTime >= '2026-03-02T10:35:00Z' && r.eventTime <= '2026-03-02T11:05:00Z'),
    );
    await press(KEYS.backspace);
    await waitFor((f) => f.startsWith(`search: user:${ADMIN_SESSION}\n`), 'back to the session pivot');
    await press('b', 'b', 'b');
    await waitFor((f) => f.startsWith(`search: user:${ADMIN_ROLE}\n`), 'back to the identity pivot');
    await press('b');
    await waitFor(
      (f) => f.startsWith('search: action:RunTask\n') && screenRows(f).length === 2,
      'back to the first query',
    );
  });

  test('Enter on a facet adds it as a filter, - excludes it', async () => {
    const { waitFor, press } = start({ initialQuery: 'account:111122223333' });
    await waitFor((f) => screenRows(f).length === 6, 'account rows');
    await press('f');
    let frame = await waitFor((f) => f.includes('actions') && f.includes('source IPs'), 'facets');
    // Most events first, then by name: RunTask (2), DeleteBucket (1), …
    expect(frame).toMatch(/› {3}RunTask +2\n {4}DeleteBucket +1\n/);
    await press(KEYS.enter);
    await waitFor(
      (f) => f.startsWith('search: account:111122223333 action:RunTask\n') && f.includes('2 matches'),
      'facet filter',
    );
    await press('b');
    await waitFor(
      (f) => f.startsWith('search: account:111122223333\n') && f.includes('6 matches') && /RunTask +2\n/.test(f),
      'back, facets counted',
    );
    await press(KEYS.down, '-');
    frame = await waitFor((f) => f.includes('5 matches'), 'excluded facet');
    expect(frame.split('\n')[0]).toBe('search: account:111122223333 -action:DeleteBucket');
  });

  test('a query error is shown inline, with a caret under the token', async () => {
    const { waitFor, press } = start();
    await waitFor((f) => f.includes('246 matches'), 'all events');
    await press('action:RunTask usr:x');
    const frame = await waitFor((f) => f.includes('did you mean'), 'query error');
    const [query, caret, message] = frame.split('\n');
    expect(query).toBe('search› action:RunTask usr:x█');
    expect(caret).toBe(`${' '.repeat('search› action:RunTask '.length)}^^^^`);
    expect(message).toBe(`${' '.repeat('search› '.length)}unknown field "usr:"; did you mean "user:"?`);
    expect(frame).toContain('246 matches for the previous query');
  });

  test('hostile user agents and parameters never reach the screen raw', async () => {
    // Tall enough that the whole record shows.
    const { waitFor, app } = start({ initialQuery: 'action:GetObject', size: { columns: 100, rows: 90 } });
    const frame = await waitFor((f) => f.includes('agent curl/8.0') && f.includes('"bucketName"'), 'hostile event');
    for (const each of app.frames) expect(each).not.toMatch(RAW_CONTROLS);
    expect(frame).toContain('\\e]52;c;aGFja2Vk\\x07');
    expect(frame).toContain('\\u202e');
    expect(frame).toContain('12345678901234567890');
  });

  test('history: Up brings back earlier queries, Down returns to what was typed', async () => {
    const history = createMemoryHistory(['region:eu-west-1']);
    const { waitFor, press } = start({ history });
    await waitFor((f) => f.includes('246 matches'), 'all events');
    await press(
      'action:RunTask',
      KEYS.enter,
      '/',
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
    );
    await waitFor((f) => f.startsWith('search› action:█'), 'edited query');
    await press(KEYS.up);
    await waitFor((f) => f.startsWith('search› action:RunTask█'), 'previous query');
    await press(KEYS.up);
    await waitFor((f) => f.startsWith('search› region:eu-west-1█'), 'older query');
    await press(KEYS.down, KEYS.down);
    await waitFor((f) => f.startsWith('search› action:█'), 'the draft');
    expect(history.entries()).toEqual(['region:eu-west-1', 'action:RunTask']);
  });

  test('pages through a result set larger than one page', async () => {
    const { waitFor, press } = start({ initialQuery: 'user:carol' });
    const expected = expectedRows((r) => r.userIdentity.arn === CAROL);
    await waitFor((f) => f.includes('240 matches'), 'carol');
    await press(KEYS.end);
    let frame = await waitFor((f) => f.includes('event 240 of 240'), 'the last event');
    expect(
      frame
        .split('\n')
        .find((line) => line.startsWith('› '))!
        .slice(2, 21),
    ).toBe(expected[239]![0]);
    await press('g', ...Array<string>(12).fill(KEYS.pageDown));
    frame = await waitFor((f) => /event 1\d\d of 240/.test(f), 'paged past the first page');
    const at = Number(/event (\d+) of 240/.exec(frame)![1]);
    expect(
      frame
        .split('\n')
        .find((line) => line.startsWith('› '))!
        .slice(2, 21),
    ).toBe(expected[at - 1]![0]);
  });

  test('fits 80×24 and redraws to a new size', async () => {
    const { waitFor, app } = start({ initialQuery: 'account:111122223333', size: { columns: 80, rows: 24 } });
    let frame = await waitFor((f) => f.includes('6 matches') && f.includes('WHO'), 'detail');
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    for (const line of frame.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    app.rerender(
      <App
        client={clients[0]!}
        dbPath={dbPath}
        initialQuery="account:111122223333"
        history={createMemoryHistory()}
        theme={{ color: false }}
        exportDir={dir}
        size={{ columns: 160, rows: 40 }}
        debounceMs={5}
        statusPollMs={60_000}
      />,
    );
    frame = await waitFor((f) => f.split('\n').some((line) => displayWidth(line) > 100), 'wide layout');
    // Wide: the detail sits beside the list, on the header's line.
    expect(frame.split('\n').find((line) => line.includes('time (UTC)'))).toContain('event 1 of 6');
  });

  test('x exports the results as NDJSON (original records) or CSV and names the file', async () => {
    const { waitFor, press } = start({ initialQuery: 'action:RunTask' });
    await waitFor((f) => screenRows(f).length === 2, 'RunTask rows');
    await press('x', 'n');
    let frame = await waitFor((f) => f.includes('exported 2 events to '), 'NDJSON export');
    const ndjson = readdirSync(dir).find((name) => name.endsWith('.ndjson'))!;
    expect(frame).toContain(`exported 2 events to ${join(dir, ndjson)}`);
    const lines = readFileSync(join(dir, ndjson), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((r) => r.eventID)).toEqual(
      RECORDS.filter((r) => r.eventName === 'RunTask')
        .sort((a, b) => b.eventTime.localeCompare(a.eventTime))
        .map((r) => r.eventID),
    );
    await press('x', 'c');
    frame = await waitFor((f) => /exported 2 events to .*\.csv/.test(f), 'CSV export');
    const csv = readdirSync(dir).find((name) => name.endsWith('.csv'))!;
    expect(readFileSync(join(dir, csv), 'utf8').split('\r\n')[0]).toBe(
      'time,account,region,identity_type,identity_arn,access_key,event_source,action,source_ip,' +
        'user_agent,error,error_message,row_id',
    );
  });

  test('the status bar shows the index size, its age, and events a running watcher adds', async () => {
    // An index of its own: this test adds an event to it.
    const own = join(dir, 'watched.db');
    const first = join(dir, 'first.json');
    writeFileSync(first, JSON.stringify({ Records: RECORDS.slice(0, 2) }));
    await indexInto([first], { dbPath: own });
    const lock = `${own}.lock`;
    // A live process holds the writer lock: this one, standing in for `trailhound watch`.
    writeFileSync(lock, String(process.pid));
    const { waitFor, press } = start({ dbPath: own, initialQuery: 'action:RunTask', statusPollMs: 50 });
    await waitFor((f) => f.includes('2 matches') && f.includes('watching: 0 new events'), 'watcher');
    expect((await waitFor(() => true, 'frame')).split('\n').at(-2)).toMatch(
      /^(…|\/).*\/watched\.db · watching: 0 new events · 2 events · indexed (just now|\d+ min ago)$/,
    );
    const second = join(dir, 'second.json');
    writeFileSync(second, JSON.stringify(RECORDS[5]));
    await indexInto([second], { dbPath: own });
    writeFileSync(lock, String(process.pid));
    await waitFor(
      (f) => f.includes('3 events') && f.includes('watching: 1 new event, 0 matching (r reloads)'),
      'one new event',
    );
    await press('r');
    await waitFor((f) => f.includes('watching: 0 new events') && f.includes('2 matches'), 'refreshed');
    rmSync(lock, { force: true });
    await waitFor((f) => !f.includes('watching'), 'watcher gone');
  });

  test("the detail names the verdict of trailhound verify on the event's file", async () => {
    const own = join(dir, 'verified.db');
    const file = join(dir, 'verified.json');
    writeFileSync(file, JSON.stringify(RECORDS[0]));
    await indexInto([file], { dbPath: own });
    const writer = new Database(own);
    writer
      .prepare(
        'INSERT INTO verification(path, kind, verdict, detail, verified_at) ' +
          "VALUES (?, 'log', 'valid', NULL, '2026-03-03T00:00:00Z')",
      )
      .run(file);
    writer.close();
    const { waitFor } = start({ dbPath: own, initialQuery: 'action:RunTask' });
    await waitFor((f) => f.includes(`FILE   ${file} #0  verified`), 'verified file');
  });

  test.each([
    ['modified', 'modified'],
    ['not-covered', 'not verified (not-covered)'],
    [null, 'not verified'],
  ])('verdict %s reads %s', (verdict, text) => {
    const row = { row_id: 1, event_time: null, record: '{}' } as unknown as EventListRow;
    const lines = detailLines(row, {
      state: 'loaded',
      source: { path: '/a.json', sha256: null, verdict, recordIndex: 3 },
    });
    expect(
      lines
        .find((line) => line[0]?.text.startsWith('FILE'))!
        .map((segment) => segment.text)
        .join(''),
    ).toBe(`FILE   /a.json #3  ${text}`);
  });

  test('? shows the key bindings; any other key closes them', async () => {
    // user:alice: the IAM user alice (3 events) and the Admin role's session named alice (2), issue 14.
    const { waitFor, press } = start({ initialQuery: 'user:alice' });
    await waitFor((f) => screenRows(f).length === 5, 'rows');
    await press('?');
    await waitFor((f) => f.includes('pivot: same access key'), 'help');
    await press(KEYS.escape);
    await waitFor((f) => !f.includes('pivot: same access key') && screenRows(f).length === 5, 'help closed');
  });
});

test('history persists across sessions, one query a line, readable by its owner only', () => {
  const file = join(dir, 'history');
  const first = createFileHistory(file);
  for (const query of ['action:RunTask', 'action:RunTask', '  ', 'user:"a\nb"']) first.add(query);
  expect(readFileSync(file, 'utf8')).toBe('action:RunTask\nuser:"a b"\n');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(createFileHistory(file).entries()).toEqual(['action:RunTask', 'user:"a b"']);
  expect(createFileHistory(join(dir, 'missing', 'history')).entries()).toEqual([]);
});

describe('search language terms from log values', () => {
  test.each([
    ['RunTask', 'RunTask'],
    ['arn:aws:iam::1:user/a b', '"arn:aws:iam::1:user/a b"'],
    ['-dash', '"-dash"'],
    ['say "hi" (now)', '"say \\"hi\\" (now)"'],
    ['back\\slash', '"back\\\\slash"'],
  ])('quoteValue(%j) is %s', (value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });

  test.each([
    [{ facet: 'action', value: 'RunTask', count: 1 }, false, 'action:RunTask'],
    [{ facet: 'action', value: 'RunTask', count: 1 }, true, '-action:RunTask'],
    [{ facet: 'identity', value: ALICE, count: 1 }, false, `user:${ALICE}`],
    [{ facet: 'identity', value: 'Root', count: 1 }, true, '-type:Root'],
    [{ facet: 'identity', value: 'ecs.amazonaws.com', count: 1 }, false, 'user:ecs.amazonaws.com'],
    [{ facet: 'identity', value: 'carol@example.com', count: 1 }, true, '-user:carol@example.com'],
    [{ facet: 'source_ip', value: '1.2.3.4, 5.6.7.8', count: 1 }, false, 'ip:"1.2.3.4, 5.6.7.8"'],
    [{ facet: 'error', value: '(none)', count: 1 }, false, '-error:*'],
    [{ facet: 'error', value: '(none)', count: 1 }, true, 'error:*'],
    [{ facet: 'region', value: null, count: 1 }, false, '-region:*'],
  ] as const)('facet %j (negated: %s) is %s', (item, negate, term) => {
    expect(facetTerm(item, negate)).toBe(term);
  });

  test('a term joins a query with OR as a group', () => {
    expect(addTerm('a OR b', 'c:d')).toBe('(a OR b) c:d');
    expect(addTerm('  ', 'c:d')).toBe('c:d');
  });

  test('pivots need the value they pivot on', () => {
    const row = {
      event_time: null,
      user_identity_type: 'AWSService',
      user_identity_arn: null,
      user_identity_user_name: null,
      user_identity_invoked_by: 'ecs.amazonaws.com',
      user_identity_access_key_id: null,
      session_issuer_arn: null,
      source_ip_address: null,
    };
    expect(pivotQuery('identity', row)).toEqual({ query: 'type:AWSService ecs.amazonaws.com' });
    expect(pivotQuery('key', row)).toEqual({ reason: 'this event has no access key' });
    expect(pivotQuery('session', row)).toEqual({ reason: 'not a temporary session: no assumed role, no ASIA key' });
    expect(pivotQuery('time', row)).toEqual({ reason: 'this event has no time' });
  });
});

describe('pretty JSON and the timeline strip', () => {
  test('records are re-indented without parsing: big numbers and escapes stay as written', () => {
    const lines = prettyJsonLines('{"a":12345678901234567890,"b":"x\\u001by","c":[],"d":{"e":[1,true,null]}}');
    expect(lines.map((line) => line.map((segment) => segment.text).join(''))).toEqual([
      '{',
      '  "a": 12345678901234567890,',
      '  "b": "x\\u001by",',
      '  "c": [],',
      '  "d": {',
      '    "e": [',
      '      1,',
      '      true,',
      '      null',
      '    ]',
      '  }',
      '}',
    ]);
    expect(lines[1]!.map((segment) => segment.kind)).toEqual(['plain', 'key', 'punct', 'number', 'punct']);
  });

  test('raw control characters inside stored text are escaped, and long lines wrap under their indentation', () => {
    const [, line] = prettyJsonLines('{"ua":"a\u001b[2Jb\u202ec"}');
    expect(line!.map((segment) => segment.text).join('')).toBe('  "ua": "a\\e[2Jb\\u202ec"');
    const wrapped = wrapStyledLines(prettyJsonLines(`{"k":"${'x'.repeat(30)}"}`), 20).map((l) =>
      l.map((s) => s.text).join(''),
    );
    expect(wrapped).toEqual(['{', `  "k": "${'x'.repeat(12)}`, `    ${'x'.repeat(16)}`, '    xx"', '}']);
  });

  test('hours are spread over the columns, busiest as a full block', () => {
    const cells = fitTimeline(
      [
        { hour: '2026-03-01T00', count: 1 },
        { hour: '2026-03-01T03', count: 8 },
      ],
      10,
    )!;
    expect(cells.counts).toEqual([1, 0, 0, 8]);
    expect(sparkline(cells.counts)).toBe('▁  █');
    expect(
      fitTimeline(
        [
          { hour: '2026-03-01T00', count: 1 },
          { hour: '2026-03-02T23', count: 2 },
        ],
        10,
      )!.hoursPerCell,
    ).toBe(5);
  });
});

test('measureKeystrokeLatency times each query on the search path the UI uses', async () => {
  const times = await measureKeystrokeLatency(dbPath, ['a', 'ac', 'act', 'action:RunTask']);
  expect(times).toHaveLength(4);
  for (const ms of times) expect(ms).toBeGreaterThan(0);
});
