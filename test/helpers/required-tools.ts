import { spawnSync } from 'node:child_process';

/**
 * Tools some tests run beside node. A missing one fails the test that needs it, naming the tool and
 * how to install it, instead of skipping it silently; .ci/run installs both.
 */
const TOOLS = {
  tmux: {
    command: ['tmux', '-V'],
    why: 'the terminal UI test runs trailhound tui in a tmux pane',
    install: 'apt-get install tmux (brew install tmux)',
  },
  'GNU time': {
    command: ['/usr/bin/time', '--version'],
    why: 'the memory tests read peak RSS from /usr/bin/time -f %M',
    install: 'apt-get install time (brew install gnu-time, then link gtime to /usr/bin/time)',
  },
} as const;

/** Throws, naming the tool and how to install it, unless `tool` runs here. */
export function requireTool(tool: keyof typeof TOOLS): void {
  const { command, why, install } = TOOLS[tool];
  const probe = spawnSync(command[0], command.slice(1), { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${tool} is not installed: ${why}. Install it with: ${install}`);
}
