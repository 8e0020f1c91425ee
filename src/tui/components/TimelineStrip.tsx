import { Text } from 'ink';
import type { HourlyCounts } from '../../search/browse.js';
import { formatNumber } from '../text/format.js';
import { cellOf, fitTimeline, sparkline } from '../text/timeline.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

export interface TimelineStripProps {
  /** "1,234 matches", "searching…". */
  readonly summary: string;
  readonly timeline: HourlyCounts | null;
  /** The selected event's time: its column is marked. */
  readonly selectedTime: string | null;
  readonly width: number;
  /** Label the ends with their year (year-shown.ts). */
  readonly withYear: boolean;
  readonly theme: Theme;
}

/** Marks the selected event's column when there is no colour to mark it with. */
const PLAIN_MARK = '◆';

/** The match count, then the results over time as one line of blocks, oldest left. */
export function TimelineStrip({ summary, timeline, selectedTime, width, withYear, theme }: TimelineStripProps) {
  const lead = `  ${summary}  `;
  const hours = timeline?.hours ?? [];
  const first = hours[0]?.hour;
  const last = hours.at(-1)?.hour;
  const cappedNote = timeline?.capped ? ` (newest ${formatNumber(hours.reduce((n, h) => n + h.count, 0))})` : '';
  const range = first && last ? ` ${label(first, withYear)} → ${label(last, withYear)}${cappedNote}` : '';
  const cells = fitTimeline(hours, Math.max(0, width - lead.length - range.length - 1));
  if (cells === null) return <Text wrap="truncate-end">{lead}</Text>;
  const strip = sparkline(cells.counts);
  const mark = cellOf(cells, selectedTime);
  const before = mark === null ? strip : strip.slice(0, mark);
  const marked = mark === null ? '' : theme.color ? strip[mark]! : PLAIN_MARK;
  const after = mark === null ? '' : strip.slice(mark + 1);
  return (
    <Text wrap="truncate-end">
      <Text>{lead}</Text>
      <Text color={colorFor(theme, 'accent')}>{before}</Text>
      <Text color={colorFor(theme, 'number')} inverse={theme.color}>
        {marked}
      </Text>
      <Text color={colorFor(theme, 'accent')}>{after}</Text>
      <Text color={colorFor(theme, 'muted')}>{range}</Text>
    </Text>
  );
}

/** `2026-03-02T10` as `03-02 10h`, or `2026-03-02 10h` with the year. */
function label(hour: string, withYear: boolean): string {
  return `${hour.slice(withYear ? 0 : 5, 10)} ${hour.slice(11, 13)}h`;
}
