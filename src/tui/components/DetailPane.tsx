import { Box, Text } from 'ink';
import type { StyledLine } from '../text/json-lines.js';
import { StyledText } from './StyledLine.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

export interface DetailPaneProps {
  /** Every line of the event's detail, already escaped and wrapped to the pane's width. */
  readonly lines: readonly StyledLine[];
  readonly scroll: number;
  /** Lines for content, below the title. */
  readonly height: number;
  readonly focused: boolean;
  readonly title: string;
  readonly theme: Theme;
}

/** The selected event: its card, source file and whole record, scrolled when focused. */
export function DetailPane({ lines, scroll, height, focused, title, theme }: DetailPaneProps) {
  const shown = lines.slice(scroll, scroll + height);
  const more = lines.length > height ? `  lines ${scroll + 1}-${scroll + shown.length} of ${lines.length}` : '';
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
        {focused ? '▸ ' : '  '}
        {title}
        {more}
      </Text>
      {shown.map((line, i) => (
        <StyledText key={scroll + i} line={line} theme={theme} />
      ))}
    </Box>
  );
}
