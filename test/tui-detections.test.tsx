import { afterEach, describe, expect, test, vi } from 'vitest';

vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '0';
});

import { render, cleanup } from 'ink-testing-library';
import { App } from '../src/tui/components/App.js';
import { DetectionsPanel } from '../src/tui/components/DetectionsPanel.js';
import { createMemoryHistory } from '../src/tui/state/history.js';
import type { SearchClient } from '../src/search-service/protocol.js';
import { createSearchClient } from '../src/search-service/threads.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import { runCli } from './helpers/run-cli.js';
import { driveApp } from './helpers/drive-app.js';

const suite = indexSamplesForSuite();

const clients: SearchClient[] = [];
afterEach(async () => {
  cleanup();
  for (const client of clients.splice(0)) await client.close();
});

/** A detection as `trailhound hunt --format ndjson` prints it. */
interface HuntLine {
  readonly time: string;
  readonly level: string;
  readonly rule: string;
  readonly rule_id: string;
  readonly event_id: string;
  readonly action: string;
}

/** The hunt engine's own answer, through the built CLI: the test's independent reference. */
function hunt(filter: string | null): HuntLine[] {
  const result = runCli([
    'hunt',
    '--db',
    suite.dbPath,
    '--format',
    'ndjson',
    ...(filter === null ? [] : ['--filter', filter]),
  ]);
  expect(result.status).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as HuntLine);
}

/** [level, count, title] per rule, sorted as the view promises: level (highest first), then count, then title. */
function perRule(detections: readonly HuntLine[]): [string, number, string][] {
  const byId = new Map<string, [string, number, string]>();
  for (const d of detections) {
    const seen = byId.get(d.rule_id);
    byId.set(d.rule_id, [d.level, (seen?.[1] ?? 0) + 1, d.rule]);
  }
  const rank = ['informational', 'low', 'medium', 'high', 'critical'];
  return [...byId.values()].sort(
    (a, b) => rank.indexOf(b[0]) - rank.indexOf(a[0]) || b[1] - a[1] || a[2].localeCompare(b[2]),
  );
}

function start(initialQuery: string) {
  const client = createSearchClient(suite.dbPath);
  clients.push(client);
  const app = render(
    <App
      client={client}
      dbPath={suite.dbPath}
      initialQuery={initialQuery}
      history={createMemoryHistory()}
      theme={{ color: false }}
      exportDir={suite.dir}
      size={{ columns: 240, rows: 40 }}
      debounceMs={5}
      statusPollMs={60_000}
    />,
  );
  const { waitFor, press } = driveApp(app, 1500);
  return { client, waitFor, press };
}

/** The detections view's rule lines, [level, count, title], read from the side pane. */
function viewRules(frame: string): [string, number, string][] {
  const lines = frame.split('\n');
  const header = lines.find((line) => line.includes('▸ detections'));
  if (header === undefined) return [];
  const at = header.indexOf('▸ detections');
  return lines
    .map((line) => /^(informational|low|medium|high|critical) +([\d,]+)  (.+?)\s*$/.exec(line.slice(at)))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, Number(match[2]!.replace(/,/g, '')), match[3]!]);
}

/** The selected list row (time and the rest of its line, list side only). */
const selectedLine = (frame: string) =>
  frame
    .split('\n')
    .find((line) => line.startsWith('› '))
    ?.slice(0, 120) ?? null;

/** The search language has no event-id field: an event alone in its second with its action is found by both. */
function queryFor(eventId: string): string {
  const record = suite.records.find((r) => r.eventID === eventId)!;
  return `action:${record.eventName} since:${record.eventTime} until:${record.eventTime}`;
}
function findable(eventId: string): boolean {
  const record = suite.records.find((r) => r.eventID === eventId);
  return (
    record !== undefined &&
    suite.records.filter((r) => r.eventTime === record.eventTime && r.eventName === record.eventName).length === 1
  );
}

describe('terminal UI: detections (h)', () => {
  test(
    "h lists the rules matching the results with the hunt engine's own per-rule counts; " +
      "Enter narrows to one rule's events; b restores the place",
    async () => {
      const query = 'source:ecs';
      const expected = perRule(hunt(query));
      expect(expected.length).toBe(8);
      const { client, waitFor, press } = start(query);
      await waitFor((f) => f.includes('matches') && selectedLine(f) !== null, 'the results');
      await press('j', 'j', 'j');
      const before = selectedLine(
        await waitFor((f) => f.split('\n')[6]?.startsWith('› ') === true, 'the fourth row selected'),
      );

      await press('h');
      const view = await waitFor((f) => f.includes('▸ detections') && viewRules(f).length > 0, 'the detections view');
      expect(viewRules(view)).toEqual(expected);

      // The second rule, narrowed: exactly its events within the query, as hunt --filter finds them.
      const [level, count, title] = expected[1]!;
      const ruleId = hunt(query).find((d) => d.rule === title)!.rule_id;
      const ruleQuery = `rule:${ruleId} ${query}`;
      await press('j', '\r');
      const narrowed = await waitFor(
        (f) => f.startsWith(`search: ${ruleQuery}`) && f.includes(`rule: ${title}`) && !f.includes('▸ detections'),
        'the narrowed results',
      );
      expect(narrowed).toContain(
        `${count === 1 ? '1 match' : `${count.toLocaleString('en-US')} matches`} · rule: ${title}`,
      );
      const page = await client.request({ kind: 'page', query: ruleQuery, offset: 0, limit: 1000 });
      if (!page.ok) throw new Error('page request failed');
      const ruleEvents = hunt(query).filter((d) => d.rule_id === ruleId);
      expect(page.value.rows.map((row) => row.event_id).sort()).toEqual(ruleEvents.map((d) => d.event_id).sort());
      expect(level).toBe(ruleEvents[0]!.level);

      await press('b');
      const back = await waitFor(
        (f) => f.startsWith(`search: ${query}\n`) && selectedLine(f) === before,
        `the previous query and place (${before})`,
      );
      expect(back).not.toContain('· rule:');
    },
    60_000,
  );

  test("Enter keeps the place: the event the view opened on stays selected, marked in the rule's events", async () => {
    const detections = hunt(null);
    const alone = (time: string) => suite.records.filter((r) => r.eventTime === time).length === 1;
    // A rule event that is neither the newest of its rule nor of its window, so landing on it is not row 1 by chance.
    const byRule = new Map<string, HuntLine[]>();
    for (const d of detections) byRule.set(d.rule_id, [...(byRule.get(d.rule_id) ?? []), d]);
    const [rule, origin] = [...byRule.values()]
      .filter((events) => events.length >= 3)
      .map((events) => [events[0]!, events.slice().sort((a, b) => b.time.localeCompare(a.time))[1]!] as const)
      .find(([, event]) => alone(event.time))!;
    const at = Date.parse(origin.time);
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const window = `since:${iso(at - 3_600_000)} until:${iso(at + 3_600_000)}`;
    const shown = origin.time.replace('T', ' ').replace('Z', '');
    const timeOfSelection = (f: string) => {
      const selected = f.split('\n').find((line) => line.startsWith('›')) ?? '';
      return /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.exec(selected)?.[0] ?? null;
    };

    const { waitFor, press } = start(window);
    await waitFor((f) => timeOfSelection(f) !== null, "the window's events");
    for (let i = 0; i < 200 && timeOfSelection(await waitFor(() => true, 'a frame')) !== shown; i++) await press('j');
    expect(timeOfSelection(await waitFor(() => true, 'a frame'))).toBe(shown);

    await press('h');
    const view = await waitFor((f) => viewRules(f).length > 0, 'the detections view');
    const index = viewRules(view).findIndex(([, , title]) => title === rule.rule);
    expect(index).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < index; i++) await press('j');
    await press('\r');
    const narrowed = await waitFor(
      (f) => f.startsWith(`search: rule:${rule.rule_id} ${window}`) && timeOfSelection(f) === shown,
      "the origin selected in the rule's events",
    );
    expect(narrowed.split('\n').find((line) => line.startsWith('›'))).toMatch(/^›◆/);
  }, 60_000);

  test('the detail card names every shipped rule the selected event matches, and no other', async () => {
    const all = hunt(null);
    // An event matched by the most rules: the card must list them all.
    const rulesOf = new Map<string, HuntLine[]>();
    for (const d of all) rulesOf.set(d.event_id, [...(rulesOf.get(d.event_id) ?? []), d]);
    const [eventId, matched] = [...rulesOf.entries()]
      .filter(([id]) => findable(id))
      .sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(matched.length).toBeGreaterThan(1);
    const { waitFor } = start(queryFor(eventId));
    const frame = await waitFor(
      (f) => f.includes('1 match') && f.includes('RULES') && !f.includes('RULES  …'),
      "the detail card's rules",
    );
    const titles = [...new Set(all.map((d) => d.rule))];
    const named = titles.filter((title) => frame.includes(title)).sort();
    expect(named).toEqual(matched.map((d) => d.rule).sort());
    for (const d of matched) expect(frame).toContain(`${d.level}  ${d.rule}`);
  }, 60_000);

  test('an event no rule matches says so in its card', async () => {
    const matchedIds = new Set(hunt(null).map((d) => d.event_id));
    const quiet = suite.records.find((r) => !matchedIds.has(r.eventID) && findable(r.eventID))!;
    const { waitFor } = start(queryFor(quiet.eventID));
    const frame = await waitFor((f) => f.includes('RULES') && !f.includes('RULES  …'), "the detail card's rules");
    expect(frame).toContain('RULES  none of the shipped rules');
  }, 60_000);

  test("the help overlay and the status line's hints list the key", async () => {
    const { waitFor, press } = start('source:ecs');
    await waitFor((f) => f.includes('h detections'), 'the hint');
    await press('?');
    await waitFor(
      (f) => /^ +h +detections: the shipped Sigma rules matching the results/m.test(f),
      'h in the help overlay',
    );
  }, 60_000);

  test('rule titles and authors are escaped for the terminal', () => {
    const hostile = {
      id: 'x',
      title: 'Evil\u001b]0;owned\u0007 title\u001b[2J',
      level: 'high' as const,
      author: 'mallory\u001b[31m',
      count: 3,
    };
    const { lastFrame } = render(
      <DetectionsPanel
        detections={{ open: true, query: '', view: { rules: [hostile], ran: 1 }, failure: null, selected: 0 }}
        height={6}
        width={100}
        theme={{ color: false }}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).not.toContain('\u001b');
    expect(frame).not.toContain('\u0007');
    expect(frame).toContain('high');
    expect(frame).toContain('by mallory');
  });
});
