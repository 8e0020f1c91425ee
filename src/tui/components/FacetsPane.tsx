import { Box, Text } from 'ink';
import { displayWidth, escapeForTerminal, truncateToWidth } from '../../present/safe-text.js';
import { FACET_HEADINGS } from '../state/facet-items.js';
import type { FacetItem } from '../state/facet-items.js';
import { formatNumber } from '../text/format.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

export interface FacetsPaneProps {
  readonly items: readonly FacetItem[] | null;
  /** How many matches the counts cover, when not all of them. */
  readonly sampled: number | null;
  readonly selected: number;
  readonly height: number;
  readonly width: number;
  readonly focused: boolean;
  readonly theme: Theme;
}

type Line = { readonly heading: string } | { readonly item: FacetItem; readonly index: number };

/** Top values per facet of the current results; Enter filters on one, - excludes it. */
export function FacetsPane({ items, sampled, selected, height, width, focused, theme }: FacetsPaneProps) {
  const sampleNote = sampled === null ? '' : ` (newest ${formatNumber(sampled)} matches)`;
  const title = `facets${sampleNote}  Enter filter, - exclude`;
  const lines = items === null ? [] : facetLines(items);
  const at = lines.findIndex((line) => 'item' in line && line.index === selected);
  const top = Math.max(0, Math.min(at - Math.floor(height / 2), lines.length - height));
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
        {focused ? '▸ ' : '  '}
        {title}
      </Text>
      {items === null && <Text color={colorFor(theme, 'muted')}> counting…</Text>}
      {lines.slice(top, top + height).map((line, i) =>
        'heading' in line ? (
          <Text key={top + i} wrap="truncate-end" color={colorFor(theme, 'label')} bold={theme.color}>
            {' '}
            {line.heading}
          </Text>
        ) : (
          <Text key={top + i} wrap="truncate-end" inverse={theme.color && focused && line.index === selected}>
            {line.index === selected ? '› ' : '  '}
            {facetText(line.item, width - 2)}
          </Text>
        ),
      )}
    </Box>
  );
}

function facetLines(items: readonly FacetItem[]): Line[] {
  const lines: Line[] = [];
  for (const [facet, heading] of FACET_HEADINGS) {
    const own = items.map((item, index) => ({ item, index })).filter(({ item }) => item.facet === facet);
    if (own.length > 0) lines.push({ heading }, ...own);
  }
  return lines;
}

function facetText(item: FacetItem, width: number): string {
  const count = formatNumber(item.count);
  const value = truncateToWidth(escapeForTerminal(item.value ?? '(empty)'), Math.max(4, width - count.length - 3));
  return `  ${value}${' '.repeat(Math.max(1, width - 2 - count.length - displayWidth(value)))}${count}`;
}
