import { Box, Text } from 'ink';
import { displayWidth, escapeForTerminal } from '../../present/safe-text.js';
import { countOf } from '../../present/progress.js';
import { formatAge, formatNumber } from '../text/format.js';
import type { StatusResult } from '../../search-service/protocol.js';
import type { Freshness } from '../hooks/use-freshness.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

/** A message for the user: what just happened, or what went wrong. */
export interface StatusMessage {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface StatusBarProps {
  readonly dbPath: string;
  readonly status: StatusResult | null;
  /** Events indexed since the shown results were read, and how many match. */
  readonly freshness: Freshness;
  /** New matching events are read as they arrive (F). */
  readonly following: boolean;
  readonly message: StatusMessage | null;
  readonly hints: string;
  readonly now: Date;
  readonly width: number;
  readonly theme: Theme;
}

/** Two lines: the database and its freshness; then a message, or the keys of the focused pane. */
export function StatusBar({ dbPath, status, freshness, following, message, hints, now, width, theme }: StatusBarProps) {
  const parts: string[] = [];
  if (status) {
    // First, so a narrow terminal cuts the index's size rather than the news that results are stale.
    const staleness = stalenessText(status.watching, freshness, following);
    if (staleness) parts.push(staleness);
    parts.push(`${formatNumber(status.maxRowId)} events`);
    if (status.lastIndexedAt) parts.push(`indexed ${formatAge(status.lastIndexedAt, now)}`);
  }
  const facts = parts.map((part) => ` · ${part}`).join('');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" color={colorFor(theme, 'muted')}>
        {keepEnd(escapeForTerminal(dbPath), width - displayWidth(facts))}
        {facts}
      </Text>
      {message ? (
        <Text wrap="truncate-end" color={message.tone === 'error' ? colorFor(theme, 'bad') : colorFor(theme, 'accent')}>
          {escapeForTerminal(message.text)}
        </Text>
      ) : (
        <Text wrap="truncate-end" color={colorFor(theme, 'muted')}>
          {hints}
        </Text>
      )}
    </Box>
  );
}

/**
 * While a writer runs: how many events it added since the results were read and how many match
 * them. Once it stops, results left behind say so until they are read again: nothing else on the
 * screen would tell that the list is older than the index.
 */
function stalenessText(watching: boolean, { newEvents, newMatches }: Freshness, following: boolean): string | null {
  if (newEvents === 0)
    return watching || following ? `${following ? 'following' : 'watching'}: ${countOf(0, 'new event')}` : null;
  const matching =
    newMatches === null ? '' : `, ${formatNumber(newMatches.count)}${newMatches.capped ? '+' : ''} matching`;
  const lead = following ? 'following' : watching ? 'watching' : 'older than the index';
  return `${lead}: ${countOf(newEvents, 'new event')}${matching}${following ? '' : ' (r reloads)'}`;
}

/** A path cut from the left to `width` columns: the file name is the part worth keeping. */
function keepEnd(path: string, width: number): string {
  if (displayWidth(path) <= width) return path;
  const chars = [...path];
  let kept = '';
  for (let i = chars.length - 1; i >= 0 && displayWidth(kept) + displayWidth(chars[i]!) < width; i--)
    kept = chars[i] + kept;
  return `…${kept}`;
}
