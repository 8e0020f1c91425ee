import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { land, until } from './helpers/landing-files.js';

const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function event(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2026-03-03T14:14:40Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci-deploy' },
    ...extra,
  };
}

function watch(args: string[]): { child: ChildProcess; output: () => string; errors: () => string } {
  const child = spawn(process.execPath, [bin, 'watch', ...args], {
    env: { ...process.env, TRAILHOUND_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  let errors = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  return { child, output: () => text, errors: () => errors };
}

describe('watch --alert', () => {
  test('prints each newly indexed match as a JSON line, pipes it into --alert-exec, and ignores history', async () => {
    const dir = tempDir();
    const logs = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '03');
    land(logs, 'history.json.gz', [event('old-key', { eventName: 'CreateAccessKey' })]);
    const sink = join(dir, 'alerts.ndjson');
    const { output } = watch([
      join(dir, 'AWSLogs'),
      '--db',
      join(dir, 'case.db'),
      '--json-log',
      '--alert',
      'action:CreateAccessKey',
      '--alert',
      'error:AccessDenied*',
      '--alert-exec',
      `cat >> '${sink}'`,
    ]);
    await until(() => output().includes('"type":"watching"'), 'the catch-up scan');

    land(logs, 'new.json.gz', [
      event('new-key', {
        eventName: 'CreateAccessKey',
        responseElements: { accessKey: { accessKeyId: 'AKIAQBACKD00RKEY7X2M' } },
      }),
      event('quiet', { eventName: 'ListBuckets' }),
      event('denied', { errorCode: 'AccessDenied', userAgent: 'evil\u001b]52;c;cGF5bG9hZA==\u0007agent' }),
    ]);
    const alerts = () =>
      output()
        .split('\n')
        .filter((line) => line.includes('"type":"alert"'))
        .map((line) => JSON.parse(line));
    await until(() => alerts().length === 2, 'two alerts');
    expect(alerts().map((a) => [a.alert, a.record.eventID])).toEqual([
      ['action:CreateAccessKey', 'new-key'],
      ['error:AccessDenied*', 'denied'],
    ]);
    expect(output()).not.toContain('\u001b');
    await until(
      () => existsSync(sink) && readFileSync(sink, 'utf8').trim().split('\n').length === 2,
      'the command to receive both',
    );
    const piped = readFileSync(sink, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(piped.map((a) => a.record.eventID)).toEqual(['new-key', 'denied']);
    expect(piped[1].record.userAgent).toBe('evil\u001b]52;c;cGF5bG9hZA==\u0007agent');
  });

  test('human lines are escaped; a bad alert query fails before watching', async () => {
    const dir = tempDir();
    const logs = join(dir, 'AWSLogs');
    mkdirSync(logs, { recursive: true });
    const db = join(dir, 'case.db');
    const { output, errors } = watch([logs, '--db', db, '--alert', 'ip:198.51.100.0/24']);
    // A file landing before the catch-up scan ends would be history, which is never alerted on.
    await until(() => errors().startsWith(`watching ${logs}\n`), 'the catch-up scan');
    land(join(logs, 'a'), 'x.json.gz', [event('hostile', { eventName: 'Run\u001b[2JTask\u202e' })]);
    await until(() => output().includes('ALERT'), 'the alert line');
    expect(output()).toMatch(
      /^ALERT \[ip:198\.51\.100\.0\/24\] 2026-03-03T14:14:40Z {2}ci-deploy {2}Run.*Task.* {2}198\.51\.100\.23 {2}OK\n$/,
    );
    expect(output()).not.toMatch(/[\u001b\u202e]/);

    const bad = runCli(['watch', logs, '--db', join(dir, 'other.db'), '--alert', 'acton:RunTask']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('did you mean "action:"?');
    expect(existsSync(join(dir, 'other.db'))).toBe(false);
  });
});
