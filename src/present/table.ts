import { displayWidth, escapeForTerminal, truncateToWidth } from './safe-text.js';
import type { Row, Rows, TextSink } from './rows.js';

/** Rows looked at to size the columns; later rows are cut to those widths. */
const SIZING_ROWS = 200;
const GAP = '  ';

/** A width-aware text table; every cell is escaped, so log content cannot drive the terminal. */
export async function writeTable(rows: Rows, columns: readonly string[], write: TextSink, maxWidth: number): Promise<void> {
  const iterator = toAsyncIterator(rows);
  const head: string[][] = [];
  let next = await iterator.next();
  while (!next.done && head.length < SIZING_ROWS) {
    head.push(cellsOf(next.value, columns));
    next = await iterator.next();
  }
  const widths = fitWidths(columns, head, maxWidth);
  const numeric = columns.map((_, i) => head.length > 0 && head.every((cells) => cells[i] === '' || /^-?\d+(\.\d+)?$/.test(cells[i]!)));
  await write(formatLine(columns.map(escapeForTerminal), widths, numeric.map(() => false)));
  await write(`${widths.map((width) => '-'.repeat(width)).join(GAP)}\n`);
  for (const cells of head) await write(formatLine(cells, widths, numeric));
  while (!next.done) {
    await write(formatLine(cellsOf(next.value, columns), widths, numeric));
    next = await iterator.next();
  }
}

function cellsOf(row: Row, columns: readonly string[]): string[] {
  return columns.map((column) => escapeForTerminal(cellText(row[column])));
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return String(value);
}

/** Natural widths, then the widest columns give way until the table fits. */
export function fitWidths(columns: readonly string[], rows: readonly string[][], maxWidth: number): number[] {
  const widths = columns.map((column, i) => Math.max(displayWidth(column), ...rows.map((cells) => displayWidth(cells[i]!))));
  const budget = maxWidth - GAP.length * Math.max(0, columns.length - 1);
  while (widths.reduce((sum, width) => sum + width, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 4) break;
    widths[widest] = widths[widest]! - 1;
  }
  return widths;
}

function formatLine(cells: readonly string[], widths: readonly number[], numeric: readonly boolean[]): string {
  const padded = cells.map((cell, i) => {
    const fitted = truncateToWidth(cell, widths[i]!);
    const pad = ' '.repeat(Math.max(0, widths[i]! - displayWidth(fitted)));
    return numeric[i] ? pad + fitted : fitted + pad;
  });
  return `${padded.join(GAP).trimEnd()}\n`;
}

function toAsyncIterator(rows: Rows): AsyncIterator<Row> | Iterator<Row> {
  return Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
}
