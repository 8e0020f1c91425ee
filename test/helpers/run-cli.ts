import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (`npm test` builds first) as a user would, without a terminal. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', TRAILHOUND_DB: '', ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Replaces volatile parts of CLI output (temp paths, timings, rates) with placeholders for golden files. */
export function stabilise(text: string, replacements: Record<string, string> = {}): string {
  let stable = text;
  for (const [value, placeholder] of Object.entries(replacements)) stable = stable.split(value).join(placeholder);
  return stable.replace(/in [\d.]+(?:m\d+)?s \(\d+ events\/s\)/g, 'in {ms} ({rate} events/s)');
}
