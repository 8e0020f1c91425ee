import { escapeJsonForTerminal } from './safe-text.js';
import type { Row, Rows, TextSink } from './rows.js';

/** A JSON array, one row per line, streamed: `[`, rows joined by `,`, `]`. */
export async function writeJsonArray(
  rows: Rows,
  columns: readonly string[],
  write: TextSink,
  jsonColumns: readonly string[],
): Promise<void> {
  await write('[');
  let first = true;
  for await (const row of rows) {
    await write(`${first ? '\n' : ',\n'}${rowToJson(row, columns, jsonColumns)}`);
    first = false;
  }
  await write(first ? ']\n' : '\n]\n');
}

/** One JSON object per line, for jq and streaming consumers. */
export async function writeNdjson(
  rows: Rows,
  columns: readonly string[],
  write: TextSink,
  jsonColumns: readonly string[],
): Promise<void> {
  for await (const row of rows) await write(`${rowToJson(row, columns, jsonColumns)}\n`);
}

/** Original records, verbatim but terminal-safe, one per line. */
export async function writeRawJsonLines(
  texts: Iterable<string> | AsyncIterable<string>,
  write: TextSink,
): Promise<void> {
  for await (const text of texts) await write(`${escapeJsonForTerminal(compactJson(text))}\n`);
}

/** Original records as one JSON array, streamed. */
export async function writeRawJsonArray(
  texts: Iterable<string> | AsyncIterable<string>,
  write: TextSink,
): Promise<void> {
  await write('[');
  let first = true;
  for await (const text of texts) {
    await write(`${first ? '\n' : ',\n'}${escapeJsonForTerminal(compactJson(text))}`);
    first = false;
  }
  await write(first ? ']\n' : '\n]\n');
}

/**
 * JSON text of one row. Columns holding JSON text are embedded as JSON. Output stays valid JSON and
 * carries no raw C1 or bidi characters, which JSON.stringify alone would pass through.
 */
export function rowToJson(row: Row, columns: readonly string[], jsonColumns: readonly string[]): string {
  const parts = columns.map(
    (column) => `${JSON.stringify(column)}:${valueToJson(row[column], jsonColumns.includes(column))}`,
  );
  return escapeJsonForTerminal(`{${parts.join(',')}}`);
}

function valueToJson(value: unknown, isJsonText: boolean): string {
  if (value === undefined || value === null) return 'null';
  if (isJsonText && typeof value === 'string') return compactJson(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  return JSON.stringify(value);
}

/** Records may be pretty-printed in the source file; NDJSON needs each on one line. */
function compactJson(text: string): string {
  return /\n/.test(text) ? JSON.stringify(JSON.parse(text)) : text;
}
