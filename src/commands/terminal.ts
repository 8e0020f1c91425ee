/**
 * Columns a table may use: the terminal's width, or no limit when output goes to a pipe or file,
 * unless `COLUMNS` is exported (`COLUMNS=100 trailhound search … | less`), which shells do not do
 * by themselves.
 */
export function terminalWidth(): number {
  if (process.stdout.isTTY) return process.stdout.columns ?? 80;
  const columns = Number(process.env['COLUMNS']);
  return Number.isSafeInteger(columns) && columns > 0 ? columns : Number.POSITIVE_INFINITY;
}

/** What a table leaves out to fit the terminal is said on stderr, so nothing disappears unsaid. */
export function noteColumnsLeftOut(columns: readonly string[]): void {
  process.stderr.write(
    `note: left out to fit ${terminalWidth()} columns: ${columns.join(', ')} ` +
      '(widen the terminal, or use --format csv)\n',
  );
}
