/** Eight heights of a one-line histogram, lowest first. */
export const BLOCKS = '▁▂▃▄▅▆▇█';

const HOUR_MS = 3_600_000;

/** A result set over time, fitted to a number of terminal columns. */
export interface TimelineCells {
  /** Events per column, oldest first. */
  readonly counts: readonly number[];
  /** Start of the first column and end of the last (epoch ms). */
  readonly startMs: number;
  readonly endMs: number;
  /** Whole hours per column. */
  readonly hoursPerCell: number;
}

/**
 * Hourly counts spread over at most `columns` cells, each the same whole number of hours, from the
 * first hour with a match to the last. Null when nothing matched.
 */
export function fitTimeline(hours: readonly { hour: string; count: number }[], columns: number): TimelineCells | null {
  const parsed = hours
    .map(({ hour, count }) => ({ ms: Date.parse(`${hour}:00:00Z`), count }))
    .filter(({ ms }) => !Number.isNaN(ms));
  if (parsed.length === 0 || columns < 1) return null;
  const startMs = Math.min(...parsed.map(({ ms }) => ms));
  const spanHours = Math.round((Math.max(...parsed.map(({ ms }) => ms)) - startMs) / HOUR_MS) + 1;
  const hoursPerCell = Math.max(1, Math.ceil(spanHours / columns));
  const counts = new Array<number>(Math.ceil(spanHours / hoursPerCell)).fill(0);
  for (const { ms, count } of parsed) counts[Math.floor((ms - startMs) / HOUR_MS / hoursPerCell)]! += count;
  return { counts, startMs, endMs: startMs + counts.length * hoursPerCell * HOUR_MS, hoursPerCell };
}

/** The cell an event time falls in, or null outside the strip. */
export function cellOf(cells: TimelineCells, eventTime: string | null): number | null {
  const ms = eventTime ? Date.parse(eventTime) : Number.NaN;
  if (Number.isNaN(ms) || ms < cells.startMs || ms >= cells.endMs) return null;
  return Math.floor((ms - cells.startMs) / HOUR_MS / cells.hoursPerCell);
}

/** A block per cell, scaled to the busiest; an empty cell is a space, any event at least `▁`. */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(0, ...counts);
  return counts.map((count) => (count === 0 ? ' ' : BLOCKS[Math.min(7, Math.floor((count / max) * 7.999))]!)).join('');
}
