import { escapeForTerminal } from './safe-text.js';
import type { Problem } from '../errors.js';

/** A failure to show the user, in lnav's shape (STYLE.md): headline, reason, where, help. */
export interface UserMessage {
  readonly headline: string;
  readonly reason?: string | undefined;
  readonly where?: string | undefined;
  readonly help?: string | undefined;
}

/** Renders a message for stderr; paths and reasons may come from hostile files, so all is escaped. */
export function formatUserMessage(level: 'error' | 'warning', message: UserMessage): string {
  const lines = [`${level}: ${escapeForTerminal(message.headline)}`];
  if (message.reason) lines.push(labelled(' reason', message.reason));
  if (message.where) lines.push(labelled('  where', message.where));
  if (message.help) lines.push(labelled('   help', message.help));
  return lines.join('\n') + '\n';
}

/** Each line escaped on its own, so a caret line can sit under the text it points at. */
function labelled(label: string, text: string): string {
  return text
    .split('\n')
    .map((line, i) => `${i === 0 ? `${label}:` : ' '.repeat(label.length + 1)} ${escapeForTerminal(line)}`)
    .join('\n');
}

export function formatProblem(problem: Problem): string {
  const where = problem.position ? `${problem.path}, ${problem.position}` : problem.path;
  return formatUserMessage('warning', {
    headline: `skipped input (${problem.stage})`,
    reason: problem.reason,
    where,
    help: problem.help,
  });
}
