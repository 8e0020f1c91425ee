import { Box, Text } from 'ink';
import type { EventListRow } from '../../search/engine.js';
import { displayWidth, truncateToWidth } from '../../present/safe-text.js';
import { rowCells } from '../text/list-columns.js';
import type { ListColumn } from '../text/list-columns.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

export interface ResultsListProps {
  /** The visible rows, from `top`; null for a row whose page is still loading. */
  readonly rows: readonly (EventListRow | null)[];
  readonly top: number;
  readonly selected: number;
  /** The event a pivot or filter came from: marked with ◆ beside the selection marker. */
  readonly markedRowId: number | null;
  readonly columns: readonly ListColumn[];
  /** Lines for rows, below the header. */
  readonly height: number;
  readonly focused: boolean;
  /** Shown instead of rows when there are none: "searching…", "no events match". */
  readonly empty: string | null;
  readonly theme: Theme;
}

/** A window on the result list: only the rows on screen are rendered, however many matched. */
export function ResultsList({
  rows,
  top,
  selected,
  markedRowId,
  columns,
  height,
  focused,
  empty,
  theme,
}: ResultsListProps) {
  const header = columns.map((column) => fit(column.label, column.width)).join(' ');
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
        {focused ? '▸ ' : '  '}
        {header}
      </Text>
      {empty !== null && rows.length === 0 ? (
        <Text wrap="truncate-end" color={colorFor(theme, 'muted')}>
          {' '}
          {empty}
        </Text>
      ) : (
        rows
          .slice(0, height)
          .map((row, i) => (
            <ResultLine
              key={top + i}
              row={row}
              selected={top + i === selected}
              marked={row !== null && row.row_id === markedRowId}
              focused={focused}
              columns={columns}
              theme={theme}
            />
          ))
      )}
    </Box>
  );
}

function ResultLine({
  row,
  selected,
  marked,
  focused,
  columns,
  theme,
}: {
  row: EventListRow | null;
  selected: boolean;
  marked: boolean;
  focused: boolean;
  columns: readonly ListColumn[];
  theme: Theme;
}) {
  const marker = `${selected ? '›' : ' '}${marked ? '◆' : ' '}`;
  if (row === null)
    return (
      <Text wrap="truncate-end" color={colorFor(theme, 'muted')}>
        {marker}…
      </Text>
    );
  const cells = rowCells(row, columns);
  const text = columns.map((column) => fit(cells[column.key], column.width)).join(' ');
  return (
    <Text
      wrap="truncate-end"
      inverse={theme.color && selected && focused}
      bold={selected && !focused && theme.color}
      color={row.error_code && !selected ? colorFor(theme, 'bad') : undefined}
    >
      {marker}
      {text}
    </Text>
  );
}

/** Exactly `width` columns: cut with … or padded with spaces. */
function fit(text: string, width: number): string {
  const cut = truncateToWidth(text, width);
  const pad = width - displayWidth(cut);
  return pad > 0 ? cut + ' '.repeat(pad) : cut;
}
