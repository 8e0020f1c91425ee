import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createStderrReporter } from '../src/watch/status-line.js';
import { tempDir } from './helpers/temp-index.js';

const bin = fileURLToPath(new URL('../bin/trailhound.js', import.meta.url));

/** issue 14 item 10: watch in a pipe keeps a log on stderr; on a terminal, alerts never share the status line. */
describe('watch output', () => {
  it('in a pipe, prints its watching, per-file and stopped lines on stderr', async () => {
    const dir = tempDir();
    const folder = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '02');
    mkdirSync(folder, { recursive: true });
    const child = spawn(process.execPath, [bin, 'watch', dir, '--db', join(dir, 'case.db'), '--workers', '0'], {
      env: { ...process.env, NO_COLOR: '1', TRAILHOUND_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 60_000;
      while (!stderr.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await waitFor('watching ');
    const path = join(folder, '111122223333_CloudTrail_us-east-1_20260302T1005Z_pipe.json.gz');
    const record = {
      eventVersion: '1.08',
      eventID: '00000001-0000-4000-8000-000000000001',
      eventTime: '2026-03-02T10:05:00Z',
      eventSource: 'ecs.amazonaws.com',
      eventName: 'RunTask',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: 'bob' },
    };
    writeFileSync(path, gzipSync(JSON.stringify({ Records: [record] })));
    await waitFor('indexed ');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `watching ${dir}\nindexed ${path}: 1 new event (done)\nstopped: 1 file read, 1 new event, 0 problems\n`,
    );
  }, 90_000);

  it('on a terminal, an alert is printed above the status line, never into it', () => {
    const screen = new FakeTerminal();
    const reporter = createStderrReporter(screen.stream, { roots: ['/cases/acme'], lines: true });
    reporter.watching(['/cases/acme']);
    reporter.indexed({ path: '/cases/acme/a.json.gz', status: 'done', eventsRead: 3, eventsNew: 3, problems: [] });
    reporter.printAbove(() => screen.stream.write('ALERT [action:RunTask] 2026-03-02T10:05:00Z  bob  RunTask\n'));
    reporter.printAbove(() => screen.stream.write('ALERT [action:RunTask] 2026-03-02T10:06:00Z  bob  RunTask\n'));
    const lines = screen.lines();
    expect(lines.slice(0, 2)).toEqual([
      'ALERT [action:RunTask] 2026-03-02T10:05:00Z  bob  RunTask',
      'ALERT [action:RunTask] 2026-03-02T10:06:00Z  bob  RunTask',
    ]);
    expect(lines[2]).toMatch(
      /^watching \/cases\/acme · 1 file read · 3 new events · 0 problems · last \d\d:\d\d:\d\d a\.json\.gz$/,
    );
    expect(lines).toHaveLength(3);
    reporter.close();
  });
});

/** Enough of a terminal for a status line: CR goes to the line's start, ESC[K clears it, LF starts a new line. */
class FakeTerminal {
  private written = '';
  readonly stream = Object.assign(Object.create(process.stderr) as NodeJS.WriteStream, {
    isTTY: true,
    columns: 120,
    write: (text: string) => {
      this.written += text;
      return true;
    },
  });

  lines(): string[] {
    const lines: string[] = [''];
    for (const [, cr, clear, text] of this.written.matchAll(/(\r)|(\x1b\[K)|([^\r\x1b]+)/g)) {
      if (cr) continue; // followed by ESC[K everywhere here
      if (clear) lines[lines.length - 1] = '';
      else
        for (const [i, part] of text!.split('\n').entries()) {
          if (i > 0) lines.push('');
          lines[lines.length - 1] += part;
        }
    }
    return lines.filter((line, i) => line !== '' || i < lines.length - 1);
  }
}
