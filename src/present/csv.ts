import { escapeForTerminal, neutralizeCsvFormula } from './safe-text.js';
import type { Rows, TextSink } from './rows.js';

/**
 * RFC 4180 CSV with CRLF line ends. Every text cell is escaped like terminal text (CSV is read on
 * terminals too, and no CloudTrail field needs a raw control character) and guarded against formula
 * injection. JSON and NDJSON are the formats that carry values exactly.
 */
export async function writeCsv(rows: Rows, columns: readonly string[], write: TextSink): Promise<void> {
  await write(csvLine(columns));
  for await (const row of rows) await write(csvLine(columns.map((column) => row[column])));
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text =
    value instanceof Uint8Array
      ? Buffer.from(value).toString('base64')
      : neutralizeCsvFormula(escapeForTerminal(String(value)));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
