import { fitColumns } from './column-fit.js';
import type { ColumnRole } from './column-fit.js';
import { displayWidth, escapeForTerminal, truncateStartToWidth, truncateToWidth } from './safe-text.js';
import type { Row, Rows, TextSink } from './rows.js';

/** Rows looked at to size the columns; later rows are cut to those widths. */
const SIZING_ROWS = 200;
const GAP = '  ';

/**
 * A width-aware text table (present/column-fit.ts decides the widths); every cell is escaped, so log
 * content cannot drive the terminal. Returns the columns left out to fit the width.
 */
export async function writeTable(
  rows: Rows,
  columns: readonly string[],
  write: TextSink,
  maxWidth: number,
): Promise<string[]> {
  const iterator = toAsyncIterator(rows);
  const head: string[][] = [];
  let next = await iterator.next();
  while (!next.done && head.length < SIZING_ROWS) {
    head.push(cellsOf(next.value, columns));
    next = await iterator.next();
  }
  const numeric = columns.map(
    (_, i) => head.length > 0 && head.every((cells) => cells[i] === '' || /^-?\d+(\.\d+)?$/.test(cells[i]!)),
  );
  const natural = columns.map((column, i) =>
    Math.max(displayWidth(column), ...head.map((cells) => displayWidth(cells[i]!))),
  );
  const fit = fitColumns(columns, natural, numeric, maxWidth, GAP.length);
  const line = (cells: readonly string[], header: boolean) =>
    formatLine(cells, fit.widths, header ? fit.roles.map(() => 'other') : fit.roles);
  await write(line(columns.map(escapeForTerminal), true));
  await write(
    `${fit.widths
      .filter((width) => width > 0)
      .map((width) => '-'.repeat(width))
      .join(GAP)}\n`,
  );
  for (const cells of head) await write(line(cells, false));
  while (!next.done) {
    await write(line(cellsOf(next.value, columns), false));
    next = await iterator.next();
  }
  return fit.leftOut;
}

function cellsOf(row: Row, columns: readonly string[]): string[] {
  return columns.map((column) => escapeForTerminal(cellText(row[column])));
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return String(value);
}

function formatLine(cells: readonly string[], widths: readonly number[], roles: readonly ColumnRole[]): string {
  const padded = cells.flatMap((cell, i) => {
    if (widths[i] === 0) return [];
    const fitted = roles[i] === 'identity' ? truncateStartToWidth(cell, widths[i]!) : truncateToWidth(cell, widths[i]!);
    const pad = ' '.repeat(Math.max(0, widths[i]! - displayWidth(fitted)));
    return [roles[i] === 'count' ? pad + fitted : fitted + pad];
  });
  return `${padded.join(GAP).trimEnd()}\n`;
}

function toAsyncIterator(rows: Rows): AsyncIterator<Row> | Iterator<Row> {
  return Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
}
