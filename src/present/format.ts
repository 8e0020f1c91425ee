import { writeCsv } from './csv.js';
import { writeJsonArray, writeNdjson } from './json.js';
import { writeTable } from './table.js';
import type { Rows, TextSink } from './rows.js';

/** The one `--format` option's values, shared by every data command. */
export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

// The writers below import these types from rows.ts, so that they need not import this module back.
export type { Row, Rows, TextSink } from './rows.js';

/** Where output goes: stdout, or anything with the same write/drain contract. */
export interface Output {
  write(chunk: string): boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

export interface WriteOptions {
  /** Terminal columns for tables; Infinity when piped. */
  readonly maxWidth: number;
  /** Columns holding JSON text (such as `record`), embedded as JSON rather than as strings. */
  readonly jsonColumns?: readonly string[];
  /** Told which columns a table left out to fit `maxWidth`, when any were. */
  readonly onColumnsLeftOut?: (columns: readonly string[]) => void;
}

/** Streams rows in one format; only the table writer looks ahead (a bounded number of rows). */
export async function writeRows(
  format: OutputFormat,
  rows: Rows,
  columns: readonly string[],
  out: Output,
  options: WriteOptions,
): Promise<void> {
  const sink = createBackpressuredWriter(out);
  switch (format) {
    case 'table': {
      const leftOut = await writeTable(rows, columns, sink, options.maxWidth);
      if (leftOut.length > 0) options.onColumnsLeftOut?.(leftOut);
      return;
    }
    case 'json':
      return writeJsonArray(rows, columns, sink, options.jsonColumns ?? []);
    case 'ndjson':
      return writeNdjson(rows, columns, sink, options.jsonColumns ?? []);
    case 'csv':
      return writeCsv(rows, columns, sink);
  }
}

export function createBackpressuredWriter(out: Output): TextSink {
  return (text) => {
    if (out.write(text) || !out.once) return;
    return new Promise<void>((resolve) => out.once!('drain', resolve));
  };
}

/** A closed pipe (`trailhound sql … | head`) ends output quietly; it is not an error. */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}
