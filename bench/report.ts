import { writeFileSync } from 'node:fs';

/** One line of the benchmark table: what was measured, the figure, and the target it is held to. */
export interface BenchLine {
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean | null;
}

export function line(measure: string, value: string, target = '', pass: boolean | null = null): BenchLine {
  return { measure, value, target, pass };
}

export function printTable(title: string, lines: readonly BenchLine[]): void {
  const widths = [
    Math.max(7, ...lines.map((entry) => entry.measure.length)),
    Math.max(5, ...lines.map((entry) => entry.value.length)),
    Math.max(6, ...lines.map((entry) => entry.target.length)),
  ];
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const header = row(['measure', 'value', 'target', 'met']);
  const underline = row(widths.map((width) => '-'.repeat(width)).concat('---'));
  process.stdout.write(`\n${title}\n${header}\n${underline}\n`);
  for (const entry of lines) {
    const met = entry.pass === null ? '' : entry.pass ? 'yes' : 'NO';
    process.stdout.write(`${row([entry.measure, entry.value, entry.target, met])}\n`);
  }
}

export function writeJson(path: string, data: unknown): void {
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${path}\n`);
}
