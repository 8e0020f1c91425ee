import { Box, Text } from 'ink';
import { displayWidth, escapeForTerminal } from '../present/safe-text.js';
import { countOf } from '../present/progress.js';
import { formatAge, formatNumber } from './format.js';
import type { StatusResult } from './protocol.js';
import { colorFor } from './theme.js';
import type { Theme } from './theme.js';

/** A message for the user: what just happened, or what went wrong. */
export interface StatusMessage {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface StatusBarProps {
  readonly dbPath: string;
  readonly status: StatusResult | null;
  /** Events indexed since the shown results were read. */
  readonly newEvents: number;
  readonly message: StatusMessage | null;
  readonly hints: string;
  readonly now: Date;
  readonly width: number;
  readonly theme: Theme;
}

/** Two lines: the database and its freshness; then a message, or the keys of the focused pane. */
export function StatusBar({ dbPath, status, newEvents, message, hints, now, width, theme }: StatusBarProps) {
  const parts: string[] = [];
  if (status) {
    parts.push(`${formatNumber(status.maxRowId)} events`);
    if (status.lastIndexedAt) parts.push(`indexed ${formatAge(status.lastIndexedAt, now)}`);
    if (status.watching) parts.push(`watching: ${countOf(newEvents, 'new event')}${newEvents > 0 ? ' (r refreshes)' : ''}`);
  }
  const facts = parts.map((part) => ` · ${part}`).join('');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" color={colorFor(theme, 'muted')}>{keepEnd(escapeForTerminal(dbPath), width - displayWidth(facts))}{facts}</Text>
      {message ? (
        <Text wrap="truncate-end" color={message.tone === 'error' ? colorFor(theme, 'bad') : colorFor(theme, 'accent')}>{escapeForTerminal(message.text)}</Text>
      ) : (
        <Text wrap="truncate-end" color={colorFor(theme, 'muted')}>{hints}</Text>
      )}
    </Box>
  );
}

/** A path cut from the left to `width` columns: the file name is the part worth keeping. */
function keepEnd(path: string, width: number): string {
  if (displayWidth(path) <= width) return path;
  const chars = [...path];
  let kept = '';
  for (let i = chars.length - 1; i >= 0 && displayWidth(kept) + displayWidth(chars[i]!) < width; i--) kept = chars[i] + kept;
  return `…${kept}`;
}
