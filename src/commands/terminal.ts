/** Columns a table may use: the terminal's width, or no limit when output goes to a pipe or file. */
export function terminalWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns ?? 80 : Number.POSITIVE_INFINITY;
}
