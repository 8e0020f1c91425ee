/** What a progress line reports; totals are null when they were not counted. */
export interface ProgressState {
  readonly filesDone: number;
  readonly filesTotal: number | null;
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
  readonly events: number;
}

export interface ProgressLine {
  update(state: ProgressState): void;
  clear(): void;
}

/** Redrawing more often than this only costs time; 10 Hz reads as live. */
const REDRAW_INTERVAL_MS = 100;

/**
 * A single self-overwriting status line on a terminal (files, events, events/s, ETA); a no-op on a
 * pipe, where progress would only be noise in a log.
 */
export function createProgressLine(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressLine {
  if (!stream.isTTY) return { update: () => undefined, clear: () => undefined };
  const startedMs = now();
  let lastDrawMs = 0;
  let drawn = false;
  return {
    update(state) {
      const nowMs = now();
      if (nowMs - lastDrawMs < REDRAW_INTERVAL_MS) return;
      lastDrawMs = nowMs;
      drawn = true;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[K${formatProgress(state, (nowMs - startedMs) / 1000).slice(0, width)}`);
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

export function formatProgress(state: ProgressState, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? state.events / elapsedSeconds : 0;
  const files = state.filesTotal === null ? `${state.filesDone} files` : `${state.filesDone}/${state.filesTotal} files`;
  const parts = [
    `indexing: ${files}`,
    `${state.events.toLocaleString('en-US')} events`,
    `${Math.round(rate).toLocaleString('en-US')} events/s`,
  ];
  const eta = estimateSeconds(state, elapsedSeconds);
  if (eta !== null) parts.push(`ETA ${formatDuration(eta)}`);
  return parts.join(' · ');
}

/** By bytes, not files: file sizes vary a thousandfold within one archive. */
function estimateSeconds(state: ProgressState, elapsedSeconds: number): number | null {
  if (state.bytesTotal === null || state.bytesDone === 0 || elapsedSeconds < 1) return null;
  return (elapsedSeconds * (state.bytesTotal - state.bytesDone)) / state.bytesDone;
}

/** `1 file`, `1,234 files`: a count with its noun, grouped the way the README writes numbers. */
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
