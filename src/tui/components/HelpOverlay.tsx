import { Box, Text } from 'ink';
import { KEY_BINDINGS } from '../state/keymap.js';
import type { Binding } from '../state/keymap.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

const SECTIONS: readonly (readonly [string, readonly Binding['where'][]])[] = [
  ['In the query box', ['query']],
  ['In the results, detail and facets panes', ['lists', 'results']],
  ['In the facets pane', ['facets']],
  ['Anywhere', ['anywhere']],
];

type HelpLine = { readonly heading: string } | { readonly keys: string; readonly does: string };

/** The overlay's lines: the bindings of the one key map (keymap.ts), by where they apply. */
function helpLines(): HelpLine[] {
  return SECTIONS.flatMap(([heading, wheres]) => [
    { heading },
    ...KEY_BINDINGS.filter((binding) => wheres.includes(binding.where)).map((binding) => ({
      keys: binding.keys,
      does: binding.does,
    })),
  ]);
}

/** Lines the overlay can scroll through. */
export const HELP_LINES = helpLines().length;

/** Every key binding; ↑↓ scroll, any other key closes. */
export function HelpOverlay({
  height,
  scroll,
  theme,
}: {
  readonly height: number;
  readonly scroll: number;
  readonly theme: Theme;
}) {
  const lines = helpLines();
  const keysWidth = Math.max(...KEY_BINDINGS.map((binding) => binding.keys.length));
  const top = Math.max(0, Math.min(scroll, lines.length - height));
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
        ▸ keys (↑↓ scroll, any other key closes)
      </Text>
      {lines.slice(top, top + height).map((line, i) =>
        'heading' in line ? (
          <Text key={top + i} wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
            {' '}
            {line.heading}
          </Text>
        ) : (
          <Text key={top + i} wrap="truncate-end">
            <Text color={colorFor(theme, 'label')} bold={theme.color}>
              {' '}
              {line.keys.padEnd(keysWidth)}{' '}
            </Text>
            <Text>{line.does}</Text>
          </Text>
        ),
      )}
    </Box>
  );
}
