import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';

vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '0';
});

import { render, cleanup } from 'ink-testing-library';
import { App } from '../src/tui/components/App.js';
import { createMemoryHistory } from '../src/tui/state/history.js';
import type { SearchClient } from '../src/search-service/protocol.js';
import { createSearchClient } from '../src/search-service/threads.js';
import { indexInto } from './helpers/temp-index.js';
import { driveApp } from './helpers/drive-app.js';

/** A leaked key's chain: alice's AKIA key assumes Admin, and the Admin session reads an object and lists buckets. */
type Rec = Record<string, any>;
const ALICE = {
  type: 'IAMUser',
  principalId: 'AIDAALICE',
  arn: 'arn:aws:iam::111122223333:user/alice',
  accountId: '111122223333',
  accessKeyId: 'AKIAALICE00000000001',
  userName: 'alice',
};
const SESSION_ARN = 'arn:aws:sts::111122223333:assumed-role/Admin/alice-cli';
const ADMIN = {
  type: 'AssumedRole',
  principalId: 'AROAADMIN:alice-cli',
  arn: SESSION_ARN,
  accountId: '111122223333',
  accessKeyId: 'ASIAADMINSESSION0001',
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/Admin', userName: 'Admin' },
    attributes: { creationDate: '2026-03-02T10:00:00Z' },
  },
};
const event = (n: number, time: string, identity: Rec, source: string, name: string, extra: Rec = {}): Rec => ({
  eventVersion: '1.08',
  userIdentity: identity,
  eventTime: time,
  eventSource: source,
  eventName: name,
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.5',
  eventID: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  requestID: `r${n}`,
  recipientAccountId: '111122223333',
  ...extra,
});
const ASSUME = event(1, '2026-03-02T10:00:00Z', ALICE, 'sts.amazonaws.com', 'AssumeRole', {
  requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/Admin', roleSessionName: 'alice-cli' },
  responseElements: { credentials: { accessKeyId: 'ASIAADMINSESSION0001' }, assumedRoleUser: { arn: SESSION_ARN } },
});
const RECORDS: Rec[] = [
  ASSUME,
  event(2, '2026-03-02T10:05:00Z', ADMIN, 's3.amazonaws.com', 'GetObject'),
  event(3, '2026-03-02T10:06:00Z', ADMIN, 's3.amazonaws.com', 'ListBuckets'),
  event(4, '2026-03-02T09:00:00Z', ALICE, 'sts.amazonaws.com', 'GetCallerIdentity'),
  event(
    5,
    '2026-03-02T09:30:00Z',
    { ...ALICE, arn: 'arn:aws:iam::111122223333:user/bob', accessKeyId: 'AKIABOB0000000000001', userName: 'bob' },
    's3.amazonaws.com',
    'ListBuckets',
  ),
];

let dir: string;
let dbPath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trailhound-tui-trace-'));
  writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: RECORDS }));
  dbPath = (await indexInto([join(dir, 'trail.json')], { dbPath: join(dir, 'index.db') })).dbPath;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clients: SearchClient[] = [];
afterEach(async () => {
  cleanup();
  for (const client of clients.splice(0)) await client.close();
});

/** [time, action] of each list line on screen. */
function screenRows(frame: string): string[][] {
  return frame
    .split('\n')
    .filter((line) => /^[› ] \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /.test(line))
    .map((line) => [line.slice(2, 21), line.slice(21).trim().split(/\s+/)[3]!]);
}
const rowsOf = (records: Rec[]) =>
  records
    .slice()
    .sort((a, b) => b.eventTime.localeCompare(a.eventTime))
    .map((r) => [r.eventTime.replace('T', ' ').replace('Z', ''), r.eventName]);

function start(initialQuery: string) {
  const client = createSearchClient(dbPath);
  clients.push(client);
  const app = render(
    <App
      client={client}
      dbPath={dbPath}
      initialQuery={initialQuery}
      history={createMemoryHistory()}
      theme={{ color: false }}
      exportDir={dir}
      size={{ columns: 140, rows: 30 }}
      debounceMs={5}
      statusPollMs={60_000}
    />,
  );
  const { waitFor, press } = driveApp(app, 500);
  return { waitFor, press };
}

describe('terminal UI: trace', () => {
  test("o shows the selected event's origin chain, oldest first; Enter on a hop pivots to its event", async () => {
    const { waitFor, press } = start('action:GetObject');
    await waitFor((f) => screenRows(f).length === 1, 'the GetObject row');
    await press('o');
    const frame = await waitFor(
      (f) => f.includes('origin chain, oldest first') && f.includes('2  2026-03-02T10:05:00Z'),
      'the chain',
    );
    const lines = frame.split('\n');
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    expect(at('start  origin: arn:aws:iam::111122223333:user/alice (AKIAALICE00000000001)')).toBeGreaterThan(0);
    expect(
      at(
        `1  2026-03-02T10:00:00Z 111122223333 sts:AssumeRole by arn:aws:iam::111122223333:user/alice ` +
          `→ arn:aws:sts::111122223333:assumed-role/Admin`,
      ),
    ).toBeGreaterThan(at('start  origin'));
    expect(at(`2  2026-03-02T10:05:00Z 111122223333 s3:GetObject by ${SESSION_ARN}`)).toBeGreaterThan(
      at('1  2026-03-02T10:00:00Z'),
    );
    expect(frame).toContain('IAM user alice with long-term access key AKIAALICE00000000001');
    await press('k', '\r');
    const pivoted = await waitFor(
      (f) => !f.includes('origin chain') && f.startsWith(`search: id:${ASSUME.eventID}`) && screenRows(f).length === 1,
      "the hop's event",
    );
    expect(screenRows(pivoted)).toEqual(rowsOf([ASSUME]));
  });

  test("B shows the blast radius of the selected event's key: its events and each session opened from it", async () => {
    const { waitFor, press } = start('action:GetCallerIdentity');
    await waitFor((f) => screenRows(f).length === 1, "alice's row");
    await press('B');
    const frame = await waitFor((f) => f.startsWith('search: key:') && screenRows(f).length === 4, 'the radius');
    expect(frame.split('\n')[0]).toContain('ASIAADMINSESSION0001');
    expect(screenRows(frame)).toEqual(
      rowsOf(
        RECORDS.filter((r) => ['AKIAALICE00000000001', 'ASIAADMINSESSION0001'].includes(r.userIdentity.accessKeyId)),
      ),
    );
  });
});
