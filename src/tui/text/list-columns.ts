import type { EventListRow } from '../../search/engine.js';
import { toListRow } from '../../present/event-row.js';
import type { LIST_LABELS } from '../../present/event-row.js';
import { escapeForTerminal } from '../../present/safe-text.js';
import { listTime } from './format.js';

/** The list's columns are the CLI table's (present/event-row.ts). */
export type ColumnKey = (typeof LIST_LABELS)[number];

export interface ListColumn {
  readonly key: ColumnKey;
  readonly label: string;
  readonly width: number;
}

interface ColumnSpec {
  readonly key: ColumnKey;
  readonly label: string;
  readonly min: number;
  /** Share of the spare columns this one grows by; 0 keeps it at `min`. */
  readonly grow: number;
  readonly max: number;
}

/** Display order, as `search` prints them (LIST_LABELS). */
const SPECS: readonly ColumnSpec[] = [
  { key: 'time', label: 'time (UTC)', min: 19, grow: 0, max: 19 },
  { key: 'account', label: 'account', min: 12, grow: 0, max: 12 },
  { key: 'region', label: 'region', min: 9, grow: 1, max: 14 },
  { key: 'identity', label: 'identity', min: 12, grow: 4, max: 48 },
  { key: 'action', label: 'action', min: 14, grow: 3, max: 40 },
  { key: 'source_ip', label: 'source IP', min: 15, grow: 1, max: 39 },
  { key: 'error', label: 'error', min: 8, grow: 2, max: 32 },
];

/** Columns dropped first when the terminal is narrow: the account, then the region. */
const DROP_ORDER: readonly ColumnKey[] = ['account', 'region', 'error'];

/**
 * The columns that fit `width` (selection marker and gaps included), widened to fill it. Below 100
 * columns times drop their year (`MM-DD HH:MM:SS`) unless `withYear`: then the year stays and a
 * column is dropped instead, since a date without its year misleads in a multi-year archive.
 */
export function fitColumns(width: number, options: { withYear: boolean }): ListColumn[] {
  let specs =
    width < 100 && !options.withYear
      ? SPECS.map((spec) => (spec.key === 'time' ? { ...spec, min: 14, max: 14 } : spec))
      : [...SPECS];
  const needed = (list: readonly ColumnSpec[]) => 2 + list.reduce((sum, spec) => sum + spec.min + 1, 0);
  for (const key of DROP_ORDER) {
    if (needed(specs) <= width) break;
    specs = specs.filter((spec) => spec.key !== key);
  }
  const widths = new Map(specs.map((spec) => [spec.key, spec.min]));
  let spare = width - needed(specs);
  while (spare > 0) {
    const growing = specs.filter((spec) => spec.grow > 0 && widths.get(spec.key)! < spec.max);
    if (growing.length === 0) break;
    const weight = growing.reduce((sum, spec) => sum + spec.grow, 0);
    let given = 0;
    for (const spec of growing) {
      const add = Math.min(
        spec.max - widths.get(spec.key)!,
        Math.max(1, Math.floor((spare * spec.grow) / weight)),
        spare - given,
      );
      widths.set(spec.key, widths.get(spec.key)! + add);
      given += add;
    }
    if (given === 0) break;
    spare -= given;
  }
  return specs.map((spec) => ({ key: spec.key, label: spec.label, width: widths.get(spec.key)! }));
}

/** One event's cells, escaped for the terminal (the list never shows raw log text). */
export function rowCells(row: EventListRow, columns: readonly ListColumn[]): Record<ColumnKey, string> {
  const time = listTime(row.event_time);
  const timeWidth = columns.find((column) => column.key === 'time')?.width ?? 19;
  const cells: Record<ColumnKey, string | null> = { ...toListRow(row), time: timeWidth < 19 ? time.slice(5) : time };
  return Object.fromEntries(
    Object.entries(cells).map(([key, value]) => [key, escapeForTerminal(value ?? '')]),
  ) as Record<ColumnKey, string>;
}
