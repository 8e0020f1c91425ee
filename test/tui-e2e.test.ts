import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { indexInto } from './helpers/temp-index.js';
import { requireTool } from './helpers/required-tools.js';

/**
 * The real CLI in a real terminal: `trailhound tui` started in a tmux pane, keys sent with
 * send-keys, the screen read with capture-pane. Component behaviour is tested in tui.test.tsx; this
 * pins what only a terminal shows: raw mode, the worker thread from dist/, the alternate screen.
 */
const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));
const worker = fileURLToPath(new URL('../dist/src/search-service/threads.js', import.meta.url));
/** A tmux server of the test's own, its socket in the test's folder: the user's sessions are never touched. */
let socket = '';

function tmux(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'tui').stdout;
}

async function waitForScreen(check: (text: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const text = screen();
    if (check(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
}

const RECORDS = [
  {
    eventTime: '2026-03-02T10:05:00Z',
    eventName: 'RunTask',
    eventSource: 'ecs.amazonaws.com',
    user: 'alice',
    ip: '203.0.113.5',
  },
  {
    eventTime: '2026-03-02T10:40:00Z',
    eventName: 'DeleteBucket',
    eventSource: 's3.amazonaws.com',
    user: 'bob',
    ip: '198.51.100.7',
  },
  {
    eventTime: '2026-03-02T11:00:00Z',
    eventName: 'ListBuckets',
    eventSource: 's3.amazonaws.com',
    user: 'alice',
    ip: '203.0.113.5',
  },
].map((r, i) => ({
  eventVersion: '1.08',
  eventID: `e2e-${i}`,
  eventTime: r.eventTime,
  eventSource: r.eventSource,
  eventName: r.eventName,
  awsRegion: 'us-east-1',
  sourceIPAddress: r.ip,
  userAgent: 'aws-cli/2.15.0',
  recipientAccountId: '111122223333',
  userIdentity: {
    type: 'IAMUser',
    arn: `arn:aws:iam::111122223333:user/${r.user}`,
    accountId: '111122223333',
    userName: r.user,
  },
}));

describe('trailhound tui in a terminal (tmux)', () => {
  let dir: string;
  let dbPath: string;

  beforeAll(async () => {
    requireTool('tmux');
    dir = mkdtempSync(join(tmpdir(), 'trailhound-e2e-'));
    socket = join(dir, 'tmux.sock');
    writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: RECORDS }));
    dbPath = (await indexInto([join(dir, 'trail.json')], { dbPath: join(dir, 'index.db') })).dbPath;
  }, 60_000);

  afterAll(() => {
    if (dir === undefined) return;
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  });

  test('types a query, reads the results off the screen, quits with q', async () => {
    expect(existsSync(worker), 'dist/ is built (npm run build)').toBe(true);
    const trailhound = `'${process.execPath}' '${bin}'`;
    const command = `cd '${dir}' && env NO_COLOR=1 TRAILHOUND_HISTORY= ${trailhound} tui --db '${dbPath}'`;
    expect(tmux('new-session', '-d', '-s', 'tui', '-x', '100', '-y', '30', command).status).toBe(0);
    await waitForScreen((text) => text.includes('3 matches'), 'the first results');
    tmux('send-keys', '-t', 'tui', '-l', 'action:DeleteBucket');
    const text = await waitForScreen(
      (t) => t.includes('1 match') && t.includes('WHO    IAMUser  arn:aws:iam::111122223333:user/bob'),
      'the query results',
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('search› action:DeleteBucket█');
    expect(lines.filter((line) => /^[› ] 2026-03-02 /.test(line)).map((line) => line.slice(0, 21))).toEqual([
      '› 2026-03-02 10:40:00',
    ]);
    expect(text).toMatch(/index\.db · 3 events · indexed (just now|\d+ min ago)/);
    // NO_COLOR: the pane holds no colour or style at all.
    expect(tmux('capture-pane', '-p', '-e', '-t', 'tui').stdout).not.toContain('\u001b[');
    tmux('send-keys', '-t', 'tui', 'Escape');
    await waitForScreen((t) => t.startsWith('search: action:DeleteBucket'), 'the results focused');
    tmux('send-keys', '-t', 'tui', 'q');
    for (let i = 0; i < 50 && tmux('has-session', '-t', 'tui').status === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tmux('has-session', '-t', 'tui').status).not.toBe(0);
  }, 60_000);
});
