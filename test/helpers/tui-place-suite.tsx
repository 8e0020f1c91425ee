import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import type { AppProps } from '../../src/tui/components/App.js';
import { createMemoryHistory } from '../../src/tui/state/history.js';
import type { SearchClient } from '../../src/search-service/protocol.js';
import { createSearchClient } from '../../src/search-service/threads.js';
import { indexInto } from './temp-index.js';
import { runCli } from './run-cli.js';
import { writeSyntheticTrail } from '../tui-synthetic.js';
import { driveApp } from './drive-app.js';

/**
 * The terminal UI keeps the investigator's place (issue 15): dates with their year, exact counts
 * and real rows at the end of large results, pivots and Back that land on their event, results
 * that say when the index has moved on. On a trail of `events` events over 2024–2026.
 */
export function describeKeepingPlace(events: number): void {
  let dir: string;
  let dbPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-tui-place-'));
    dbPath = (await indexInto(writeSyntheticTrail(dir, events), { dbPath: join(dir, 'index.db') })).dbPath;
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const clients: SearchClient[] = [];
  afterEach(async () => {
    cleanup();
    for (const client of clients.splice(0)) await client.close();
  });

  const KEYS = { down: '\u001b[B', enter: '\r', pageUp: '\u001b[5~', pageDown: '\u001b[6~', end: '\u001b[F' };

  function start(props: Partial<AppProps> = {}) {
    const client = createSearchClient(props.dbPath ?? dbPath);
    clients.push(client);
    const app = render(
      <App
        client={client}
        dbPath={props.dbPath ?? dbPath}
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
    const { frame, waitFor, press } = driveApp(app, 1_500);
    return { app, frame, waitFor, press };
  }

  /** The selected list line. */
  function selectedLine(frame: string): string {
    return frame.split('\n').find((line) => line.startsWith('›'))!;
  }

  /** List lines drawn for rows still loading. */
  function placeholderLines(frame: string): string[] {
    return frame.split('\n').filter((line) => /^[› ][ ◆]?…$/.test(line.trimEnd()));
  }

  describe('End counts every match and lands on the oldest, as the CLI does', () => {
    // One query per plan: a B-tree index, the full-text index then an exact check, the newest-first
    // scan (readonly:, a leading *), and free text counted by the full-text index alone.
    test.each(['region:us-east-1', 'user:ci-deploy', 'readonly:true', 'user:*deploy', 'ecs'])(
      '%s',
      async (query) => {
        const count = Number(runCli(['search', query, '--count', '--db', dbPath]).stdout.trim());
        const [oldest] = JSON.parse(
          runCli(['search', query, '--sort', 'time', '--limit', '1', '--format', 'json', '--db', dbPath]).stdout,
        ) as { eventID: string; eventTime: string }[];
        // Each kind of filter matches more than half of the synthetic events (tui-synthetic.ts).
        expect(count).toBeGreaterThan(events / 2);
        const { waitFor, press, app } = start({ initialQuery: query });
        await waitFor((f) => f.includes('1,000+ matches'), 'the capped count');
        const framesBefore = app.frames.length;
        await press(KEYS.end);
        const total = count.toLocaleString('en-US');
        const frame = await waitFor(
          (f) => f.includes(`event ${total} of ${total}`) && f.includes(`"eventID": "${oldest!.eventID}"`),
          'the last event and its record',
        );
        expect(frame).toContain(`  ${total} matches  `);
        expect(selectedLine(frame).slice(2, 21)).toBe(oldest!.eventTime.replace('T', ' ').replace('Z', ''));
        expect(frame).toContain(`WHEN   ${oldest!.eventTime}`);
        for (const each of app.frames.slice(framesBefore)) expect(placeholderLines(each)).toEqual([]);
      },
      60_000,
    );
  });

  test('paging down and up faster than pages are read never shows a row still loading', async () => {
    const { waitFor, press, app } = start({ initialQuery: 'user:alice' });
    await waitFor((f) => f.includes('1,000+ matches') && selectedLine(f) !== undefined, 'alice');
    const framesBefore = app.frames.length;
    for (let i = 0; i < 40; i++) app.stdin.write(KEYS.pageDown);
    await press('G');
    await waitFor((f) => /event ([\d,]+) of \1 /.test(f), 'the last event');
    for (let i = 0; i < 40; i++) app.stdin.write(KEYS.pageUp);
    await waitFor((f) => /"eventID"/.test(f), 'the detail');
    for (const each of app.frames.slice(framesBefore)) expect(placeholderLines(each)).toEqual([]);
  }, 60_000);

  describe('dates carry their year unless every result is from the current year', () => {
    const listLines = (frame: string) =>
      frame.split('\n').filter((line) => /^[› ][ ◆](\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d /.test(line));
    const stripLine = (frame: string) => frame.split('\n')[1]!;

    test.each([
      [80, 24],
      [150, 45],
    ])(
      'a multi-year index at %i×%i',
      async (columns, rows) => {
        const { waitFor } = start({ initialQuery: 'user:alice', size: { columns, rows } });
        const frame = await waitFor(
          (f) => f.includes('1,000+ matches') && / → /.test(stripLine(f)) && listLines(f).length > 5,
          'rows and the strip',
        );
        for (const line of listLines(frame)) expect(line).toMatch(/^[› ] 202[4-6]-\d\d-\d\d \d\d:\d\d:\d\d /);
        expect(stripLine(frame)).toMatch(/ 2024-06-01 \d\dh → 2026-01-\d\d \d\dh$/);
        for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
      },
      30_000,
    );

    test('results from one past year keep the year', async () => {
      const { waitFor } = start({
        initialQuery: 'user:alice since:2025-03-01 until:2025-03-31',
        size: { columns: 80, rows: 24 },
      });
      const frame = await waitFor((f) => / → /.test(stripLine(f)) && listLines(f).length > 5, 'rows and the strip');
      for (const line of listLines(frame)) expect(line).toMatch(/^[› ] 2025-03-\d\d \d\d:\d\d:\d\d /);
      expect(stripLine(frame)).toMatch(/ 2025-03-01 \d\dh → 2025-03-31 \d\dh$/);
    }, 30_000);

    test('results all from the current year leave it out at 80 columns', async () => {
      const year = new Date().getUTCFullYear();
      const file = join(dir, 'this-year.json');
      const records = [1, 2, 3].map((day) => ({
        eventID: `this-year-${day}`,
        eventTime: `${year}-01-0${day}T10:00:00Z`,
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        awsRegion: 'us-east-1',
        userIdentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111122223333:user/bob',
          accountId: '111122223333',
          userName: 'bob',
        },
        sourceIPAddress: '192.0.2.1',
      }));
      writeFileSync(file, JSON.stringify({ Records: records }));
      const own = (await indexInto([file], { dbPath: join(dir, 'this-year.db') })).dbPath;
      const { waitFor } = start({ dbPath: own, initialQuery: 'user:bob', size: { columns: 80, rows: 24 } });
      const frame = await waitFor((f) => f.includes('3 matches') && / → /.test(stripLine(f)), 'rows and the strip');
      expect(listLines(frame).map((line) => line.slice(2, 16))).toEqual([
        '01-03 10:00:00',
        '01-02 10:00:00',
        '01-01 10:00:00',
      ]);
      expect(stripLine(frame)).toMatch(/ 01-01 10h → 01-03 10h$/);
    }, 30_000);
  });

  describe('pivots, filters and Back keep the place', () => {
    const eventIdOf = (frame: string) => /"eventID": "(synthetic-\d+)"/.exec(frame)?.[1];
    const listBlock = (frame: string) =>
      frame
        .split('\n')
        .filter((line) => /^[› ][ ◆]\d{4}-/.test(line))
        .join('\n');

    test('t selects and marks the event it came from; b returns to the query, selection and scroll', async () => {
      const { waitFor, press, frame } = start({ initialQuery: 'user:alice' });
      await waitFor((f) => f.includes('1,000+ matches') && eventIdOf(f) !== undefined, 'alice');
      await press(KEYS.pageDown, KEYS.pageDown, KEYS.pageDown, 'j', 'j');
      const before = await waitFor(
        (f) => /event 3\d of/.test(f) && eventIdOf(f) !== undefined,
        'an event a few pages down',
      );
      const id = eventIdOf(before)!;
      const time = selectedLine(before).slice(2, 21);
      await press('t');
      const pivoted = await waitFor(
        (f) => f.startsWith('search: since:') && selectedLine(f)?.startsWith('›◆') && eventIdOf(f) === id,
        'the time pivot on the same event',
      );
      expect(selectedLine(pivoted).slice(2, 21)).toBe(time);
      await press('b');
      await waitFor(
        (f) => f.startsWith('search: user:alice\n') && eventIdOf(f) === id && listBlock(f) === listBlock(before),
        'back where we were',
      );
      expect(frame()).toContain(/event \d+ of/.exec(before)![0]);
    }, 30_000);

    test('a pivot lands on its event far beyond the first page and the counted rows', async () => {
      const { waitFor, press } = start({ initialQuery: 'region:ap-southeast-2' });
      await waitFor((f) => f.includes('1,000+ matches') && eventIdOf(f) !== undefined, 'the region');
      await press(...Array<string>(15).fill(KEYS.pageDown));
      const before = await waitFor(
        (f) => /event 1[3-9]\d of/.test(f) && eventIdOf(f) !== undefined,
        'an event fifteen pages down',
      );
      const id = eventIdOf(before)!;
      await press('i');
      const pivoted = await waitFor(
        (f) =>
          f.startsWith('search: user:arn:aws:iam::111122223333:user/') &&
          selectedLine(f)?.startsWith('›◆') &&
          eventIdOf(f) === id,
        'the identity pivot on the same event',
      );
      expect(Number(/event ([\d,]+) of/.exec(pivoted)![1]!.replace(/,/g, ''))).toBeGreaterThan(500);
    }, 30_000);

    test('a facet filter keeps the selected event when it still matches, and b restores the place', async () => {
      const { waitFor, press, frame } = start({ initialQuery: 'user:alice' });
      await waitFor((f) => f.includes('1,000+ matches') && eventIdOf(f) !== undefined, 'alice');
      await press(KEYS.pageDown, 'j');
      const before = await waitFor((f) => /event 1\d of/.test(f) && eventIdOf(f) !== undefined, 'an event a page down');
      const id = eventIdOf(before)!;
      const action = /WHAT {3}\S+ {2}(\w+)/.exec(before)![1]!;
      await press('f');
      await waitFor((f) => f.includes('actions'), 'facets');
      // Down the action facet to the selected event's action.
      const facetLine = (f: string) =>
        f.split('\n').find((line) => line.startsWith('› ') && !/^›[ ◆]\d/.test(line)) ?? '';
      for (let i = 0; i < 4 && !facetLine(frame()).includes(` ${action} `); i++) await press(KEYS.down);
      expect(facetLine(frame())).toContain(` ${action} `);
      await press(KEYS.enter);
      await waitFor((f) => f.startsWith(`search: user:alice action:${action}\n`), 'the filter');
      await press('f');
      const filtered = await waitFor((f) => eventIdOf(f) === id, 'the filter on the same event');
      expect(listBlock(filtered)).toContain('›◆');
      await press('b');
      await waitFor(
        (f) => f.startsWith('search: user:alice\n') && eventIdOf(f) === id && listBlock(f) === listBlock(before),
        'back where we were',
      );
    }, 30_000);
  });

  describe('results say when the index has moved on', () => {
    const call = (n: number, action: string) => ({
      eventID: `fresh-${n}`,
      eventTime: `2025-05-0${n}T10:00:00Z`,
      eventSource: 'ecs.amazonaws.com',
      eventName: action,
      awsRegion: 'us-east-1',
      userIdentity: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/bob',
        accountId: '111122223333',
        userName: 'bob',
      },
      sourceIPAddress: '192.0.2.1',
    });
    const add = async (own: string, name: string, records: object[]) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ Records: records }));
      await indexInto([file], { dbPath: own });
    };

    test(
      'new matching events are counted while a writer runs, the results stay marked stale after it stops,' +
        ' until r; F follows',
      async () => {
        const own = join(dir, 'fresh.db');
        await add(own, 'fresh-1.json', [call(1, 'RunTask'), call(2, 'DescribeTasks')]);
        // A live process holds the writer lock: this one, standing in for `trailhound watch`.
        const lock = `${own}.lock`;
        writeFileSync(lock, String(process.pid));
        const { waitFor, press } = start({ dbPath: own, initialQuery: 'action:RunTask', statusPollMs: 50 });
        await waitFor((f) => f.includes('1 match') && f.includes('watching: 0 new events'), 'the writer, nothing new');
        await add(own, 'fresh-2.json', [call(3, 'RunTask'), call(4, 'DescribeTasks'), call(5, 'RunTask')]);
        writeFileSync(lock, String(process.pid));
        await waitFor(
          (f) => f.includes('1 match ') && f.includes('watching: 3 new events, 2 matching (r reloads)'),
          'new events counted',
        );
        rmSync(lock);
        const stale = await waitFor(
          (f) => f.includes('older than the index: 3 new events, 2 matching (r reloads)'),
          'stale after the writer stopped',
        );
        expect(stale).toMatch(/^ {2}1 match /m);
        await press('r');
        let frame = await waitFor((f) => f.includes('3 matches'), 'read again');
        expect(frame).not.toContain('older than the index');
        await press('F');
        await add(own, 'fresh-3.json', [call(6, 'RunTask')]);
        frame = await waitFor((f) => f.includes('4 matches'), 'followed without a key');
        expect(frame).not.toContain('older than the index');
      },
      30_000,
    );
  });
}
