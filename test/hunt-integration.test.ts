import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { indexSamplesForSuite } from './helpers/samples.js';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';
import { land, until } from './helpers/landing-files.js';

/** Rules where the investigator already is: `watch --alert-rules` and `export --rule`. */
const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const RULE = `title: Trail deletion by a third party
id: 22222222-3333-4444-8555-666666666666
author: Jane Doe
level: high
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventSource: cloudtrail.amazonaws.com
        eventName: DeleteTrail
    condition: selection
`;

function event(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2026-03-03T14:14:40Z',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'DescribeTrails',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci-deploy' },
    ...extra,
  };
}

describe('watch --alert-rules', () => {
  it('alerts on newly indexed events a rule matches, through the --alert output, crediting the rule', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rule.yml'), RULE);
    const logs = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '03');
    land(logs, 'history.json.gz', [event('old', { eventName: 'DeleteTrail' })]);
    const child = spawn(
      process.execPath,
      [
        bin,
        'watch',
        join(dir, 'AWSLogs'),
        '--db',
        join(dir, 'case.db'),
        '--json-log',
        '--alert-rules',
        join(dir, 'rule.yml'),
      ],
      { env: { ...process.env, TRAILHOUND_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    await until(() => output.includes('"type":"watching"'), 'the catch-up scan');
    land(logs, 'new.json.gz', [event('new', { eventName: 'DeleteTrail' }), event('quiet')]);
    await until(() => output.includes('"type":"alert"'), 'the alert');
    // Alerts are printed after their batch commits and before the next batch starts: once a file
    // landed later is indexed, every alert new.json.gz could raise has been printed.
    land(logs, 'later.json.gz', [event('later')]);
    await until(() => output.includes('later.json.gz"'), 'the file landed after the alert');
    const alerts = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.type === 'alert');
    expect(alerts.map((a) => ({ alert: a.alert, rule: a.rule, id: a.record.eventID }))).toEqual([
      {
        alert: 'high: Trail deletion by a third party (22222222-3333-4444-8555-666666666666, Jane Doe)',
        rule: {
          id: '22222222-3333-4444-8555-666666666666',
          title: 'Trail deletion by a third party',
          author: 'Jane Doe',
          level: 'high',
        },
        id: 'new',
      },
    ]);
  }, 90_000);
});

describe('export --rule', () => {
  const suite = indexSamplesForSuite();

  it("exports one detection's evidence, with the rule named in the manifest", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rule.yml'), RULE);
    const out = join(dir, 'evidence');
    const result = runCli([
      'export',
      '--rule',
      '22222222-3333-4444-8555-666666666666',
      '--rules',
      dir,
      '--db',
      suite.dbPath,
      '--out',
      out,
    ]);
    expect({ status: result.status, stderr: result.stderr.split('\n')[0] }).toEqual({
      status: 0,
      stderr: `exported 1 event to ${out} (events.ndjson, provenance.ndjson, manifest.json)`,
    });
    expect(JSON.parse(readFileSync(join(out, 'events.ndjson'), 'utf8')).eventName).toBe('DeleteTrail');
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).query).toBe(
      'rule 22222222-3333-4444-8555-666666666666 "Trail deletion by a third party" by Jane Doe',
    );
  });

  it('exports a shipped rule by id, and says when no loaded rule has the id', () => {
    const dir = tempDir();
    const id = /^id: (.+)$/m.exec(
      readFileSync(new URL('../rules/iam/iam_access_key_for_other_user.yml', import.meta.url), 'utf8'),
    )![1]!;
    const result = runCli(['export', '--rule', id, '--db', suite.dbPath, '--out', join(dir, 'keys')]);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'keys', 'events.ndjson'), 'utf8')).requestParameters).toEqual({
      userName: 'backup-admin',
    });
    const missing = runCli(['export', '--rule', 'no-such-id', '--db', suite.dbPath, '--out', join(dir, 'none')]);
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({
      status: 2,
      stderr: expect.stringContaining('error: no rule no-such-id\n reason: none of the 35 rules loaded has this id'),
    });
  });
});
