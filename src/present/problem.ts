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
  if (message.reason) lines.push(` reason: ${escapeForTerminal(message.reason)}`);
  if (message.where) lines.push(`  where: ${escapeForTerminal(message.where)}`);
  if (message.help) lines.push(`   help: ${escapeForTerminal(message.help)}`);
  return lines.join('\n') + '\n';
}

export function formatProblem(problem: Problem): string {
  const where = problem.position ? `${problem.path}, ${problem.position}` : problem.path;
  return formatUserMessage('warning', { headline: `skipped input (${problem.stage})`, reason: problem.reason, where });
}
