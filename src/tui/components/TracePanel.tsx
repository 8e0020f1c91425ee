import { Box, Text } from 'ink';
import { escapeForTerminal, truncateToWidth } from '../../present/safe-text.js';
import type { ChainRow } from '../../trace/rows.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';
import type { TraceState } from '../hooks/use-trace.js';

export interface TracePanelProps {
  readonly trace: TraceState;
  readonly height: number;
  readonly width: number;
  readonly theme: Theme;
}

/**
 * The selected event's origin chain, oldest first: where it starts, then one line per hop; Enter pivots to a hop's
 * event.
 */
export function TracePanel({ trace, height, width, theme }: TracePanelProps) {
  const lines = trace.view ? trace.view.rows.map((row) => hopLine(row)) : [trace.failure ?? 'tracing…'];
  const end = trace.view ? escapeForTerminal(trace.view.end) : '';
  const top = Math.max(0, Math.min(trace.selected - Math.floor((height - 2) / 2), lines.length - (height - 2)));
  const shown = lines.slice(top, top + Math.max(1, height - 2));
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
        ▸ origin chain, oldest first ↑↓ hop Enter pivot Esc close
      </Text>
      {shown.map((line, i) => (
        <Text key={top + i} inverse={top + i === trace.selected} wrap="truncate-end">
          {truncateToWidth(line, width - 1)}
        </Text>
      ))}
      <Text wrap="truncate-end" dimColor>
        {truncateToWidth(end, width - 1)}
      </Text>
    </Box>
  );
}

/** `3 14:24:45 444455556666 ecs:RunTask by …/sync → task/…`: escaped, since every part comes from the logs. */
function hopLine(row: ChainRow): string {
  if (row.step === 0)
    return escapeForTerminal(`start  ${row.link}: ${row.caller ?? '?'}${row.caller_key ? ` (${row.caller_key})` : ''}`);
  const issued = row.issued ? ` → ${row.issued}` : '';
  return escapeForTerminal(
    `${row.step}  ${row.time ?? ''} ${row.account ?? ''} ${row.action ?? ''} by ${row.caller ?? '?'}${issued}`,
  );
}
