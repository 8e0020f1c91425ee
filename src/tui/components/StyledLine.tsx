import { Text } from 'ink';
import type { StyledLine } from '../text/json-lines.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

/** One line of safe, coloured segments, cut (never wrapped) at the pane's edge. */
export function StyledText({ line, theme }: { readonly line: StyledLine; readonly theme: Theme }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? ' '
        : line.map((segment, i) => (
            <Text key={i} color={colorFor(theme, segment.kind)} bold={theme.color && segment.kind === 'label'}>
              {segment.text}
            </Text>
          ))}
    </Text>
  );
}
