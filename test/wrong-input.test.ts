import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { indexInto, tempDir } from './helpers/temp-index.js';

/** issue 14 item 8: wrong input is named, never mistaken for success, and every error says what to do. */
describe('wrong input is named', () => {
  it('index of files with no CloudTrail event at all exits 1 and says so', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'guardduty-finding.json'),
      JSON.stringify({
        schemaVersion: '2.0',
        accountId: '111122223333',
        type: 'Recon:EC2/PortProbeUnprotectedPort',
        severity: 2,
      }),
    );
    writeFileSync(
      join(dir, 'flow.log'),
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 ' +
        '20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n',
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    const result = runCli(['index', dir, '--db', join(dir, 'out.db')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'error: no CloudTrail event or digest in these files ' +
        '(GuardDuty findings, VPC flow logs and other JSON are not CloudTrail)\n' +
        '   help: ',
    );
  });

  it('an idle trail (files of empty Records) is not a mistake', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'idle.json'), '{"Records":[]}');
    expect(runCli(['index', dir, '--db', join(dir, 'out.db')]).status).toBe(0);
  });

  it('a path that does not exist leaves no empty database behind', () => {
    const dir = tempDir();
    const db = join(dir, 'case.db');
    expect(runCli(['index', join(dir, 'AWSLogz'), '--db', db])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'error: nothing to index\n' +
        ` reason: no such file or folder: ${join(dir, 'AWSLogz')}\n` +
        '   help: check the path; folders are read recursively, .zip, .json.gz, .json and .jsonl files directly\n',
    });
    expect(existsSync(db)).toBe(false);
  });

  it.each([['index'], ['search'], ['sql']])(
    '%s: --db in a folder that does not exist, or naming a folder, is a usage error with help',
    (command) => {
      const dir = tempDir();
      const args = command === 'index' ? [dir] : command === 'sql' ? ['SELECT 1'] : ['x'];
      expect(runCli([command, ...args, '--db', join(dir, 'missing', 'case.db')])).toEqual({
        status: 2,
        stdout: '',
        stderr:
          'error: bad --db\n' +
          ` reason: the folder ${join(dir, 'missing')} does not exist\n` +
          `   help: create it first (mkdir -p ${join(dir, 'missing')}), or give --db a file in an existing folder\n`,
      });
      mkdirSync(join(dir, 'cases'));
      expect(runCli([command, ...args, '--db', join(dir, 'cases')])).toEqual({
        status: 2,
        stdout: '',
        stderr:
          'error: bad --db\n' +
          ` reason: ${join(dir, 'cases')} is a folder, not a database file\n` +
          `   help: name a file in it: --db ${join(dir, 'cases', 'trailhound.db')}\n`,
      });
    },
  );

  it('a ? count that does not match --params is a usage error', async () => {
    const { dbPath } = await indexInto([new URL('./fixtures/single-event.json', import.meta.url).pathname]);
    for (const [params, mismatch] of [
      ['[1, 2]', 'Too many parameter values were provided: --params holds 2 values'],
      ['[]', 'Too few parameter values were provided: --params holds 0 values'],
    ] as const) {
      const result = runCli(['sql', 'SELECT ? AS a', '--params', params, '--db', dbPath]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'error: bad --params\n' +
          ` reason: ${mismatch}, which must match the ?s of the statement one for one\n` +
          `   help: give one value per ? in order, as a JSON array: --params '["a", 1]'\n`,
      );
    }
  });

  it('every error has a help line', async () => {
    const { dbPath } = await indexInto([new URL('./fixtures/single-event.json', import.meta.url).pathname]);
    for (const args of [
      ['sql', 'SELEC 1'],
      ['sql', 'DELETE FROM files'],
      ['search', 'usr:bob'],
      ['search', '(a'],
      ['export', 'x', '--out', dbPath],
    ]) {
      const result = runCli([...args, '--db', dbPath]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/\n +help: .+\n$/);
    }
  });
});
