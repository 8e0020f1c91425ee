import { basename } from 'node:path';
import type { Problem } from '../errors.js';
import { formatProblem } from '../present/problem.js';
import { countOf } from '../present/progress.js';
import { escapeForTerminal, truncateToWidth } from '../present/safe-text.js';
import type { FileReport } from '../store/index-state.js';
import type { WatchReporter } from './reporter.js';

/** What the status line shows. */
export interface WatchStatus {
  readonly roots: readonly string[];
  readonly catchingUp: boolean;
  readonly filesRead: number;
  readonly eventsNew: number;
  readonly problems: number;
  readonly lastFile: string | null;
  readonly lastFileAt: Date | null;
}

/** Redrawing more often than this only costs time; 10 Hz reads as live (as in present/progress.ts). */
const REDRAW_INTERVAL_MS = 100;

export function formatWatchStatus(status: WatchStatus): string {
  const what = status.roots.length === 1 ? status.roots[0]! : `${status.roots.length} folders`;
  const parts = [
    `${status.catchingUp ? 'catching up' : 'watching'} ${what}`,
    `${countOf(status.filesRead, 'file')} read`,
    countOf(status.eventsNew, 'new event'),
    countOf(status.problems, 'problem'),
  ];
  if (status.lastFile && status.lastFileAt) {
    parts.push(`last ${status.lastFileAt.toTimeString().slice(0, 8)} ${basename(status.lastFile)}`);
  }
  return escapeForTerminal(parts.join(' · '));
}

/** The stderr reporter, and a way to print other output (alerts) so it never shares the status line. */
export interface StderrReporter extends WatchReporter {
  /**
   * Runs `write` (which prints whole lines elsewhere on the terminal) with the status line cleared, then redraws it.
   */
  printAbove(write: () => void): void;
}

/**
 * stderr for people: on a terminal, one self-overwriting status line with problems printed above
 * it; in a pipe, one line per event of the watch (watching, each file indexed or missing, problems,
 * stopped), so `watch … 2>&1 | tee watch.log` keeps a log. With `--json-log` those are on stdout
 * already and stderr keeps quiet.
 */
export function createStderrReporter(
  stream: NodeJS.WriteStream,
  options: { readonly roots: readonly string[]; readonly lines: boolean },
): StderrReporter {
  if (!stream.isTTY) return createLineReporter(stream, options);
  let status: WatchStatus = {
    roots: options.roots,
    catchingUp: true,
    filesRead: 0,
    eventsNew: 0,
    problems: 0,
    lastFile: null,
    lastFileAt: null,
  };
  const line = createRedrawingLine(stream);
  const update = (change: Partial<WatchStatus>) => {
    status = { ...status, ...change };
    line.draw(formatWatchStatus(status));
  };
  return {
    watching: () => update({ catchingUp: false }),
    indexed: (report: FileReport) =>
      update({
        filesRead: status.filesRead + 1,
        eventsNew: status.eventsNew + report.eventsNew,
        lastFile: report.path,
        lastFileAt: new Date(),
      }),
    problem: (problem: Problem) => {
      status = { ...status, problems: status.problems + 1 };
      line.above(() => stream.write(formatProblem(problem)), formatWatchStatus(status));
    },
    missing: () => undefined,
    skipped: (path: string, reason: string) =>
      line.above(() => stream.write(formatSkipped(path, reason)), formatWatchStatus(status)),
    printAbove: (write) => line.above(write, formatWatchStatus(status)),
    close: () => {
      line.stop();
      stream.write(stoppedLine(status));
    },
  };
}

function stoppedLine(status: Pick<WatchStatus, 'filesRead' | 'eventsNew' | 'problems'>): string {
  const files = countOf(status.filesRead, 'file');
  const events = countOf(status.eventsNew, 'new event');
  const problems = countOf(status.problems, 'problem');
  return `stopped: ${files} read, ${events}, ${problems}\n`;
}

/** One line per thing that happened, for a pipe or a log file; file names escaped, as everywhere. */
function createLineReporter(
  stream: NodeJS.WriteStream,
  options: { readonly roots: readonly string[]; readonly lines: boolean },
): StderrReporter {
  const totals = { filesRead: 0, eventsNew: 0, problems: 0 };
  const say = (text: string) => {
    if (options.lines) stream.write(`${escapeForTerminal(text)}\n`);
  };
  return {
    watching: (roots) => say(`watching ${roots.join(', ')}`),
    indexed: (report) => {
      totals.filesRead++;
      totals.eventsNew += report.eventsNew;
      say(`indexed ${report.path}: ${countOf(report.eventsNew, 'new event')} (${report.status})`);
    },
    problem: (problem) => {
      totals.problems++;
      if (options.lines) stream.write(formatProblem(problem));
    },
    missing: (path) => say(`missing ${path}: its events stay in the index`),
    skipped: (path, reason) => {
      if (options.lines) stream.write(formatSkipped(path, reason));
    },
    printAbove: (write) => write(),
    close: () => {
      if (options.lines) stream.write(stoppedLine(totals));
    },
  };
}

/** A line redrawn at most every REDRAW_INTERVAL_MS; the last state is always drawn, late at worst. */
function createRedrawingLine(stream: NodeJS.WriteStream) {
  let text = '';
  let lastDrawMs = 0;
  let timer: NodeJS.Timeout | null = null;
  const render = () => {
    timer = null;
    lastDrawMs = Date.now();
    stream.write(`\r\x1b[K${truncateToWidth(text, Math.max(20, (stream.columns || 80) - 1))}`);
  };
  return {
    draw(next: string) {
      text = next;
      if (timer) return;
      const waitMs = REDRAW_INTERVAL_MS - (Date.now() - lastDrawMs);
      if (waitMs <= 0) render();
      else timer = setTimeout(render, waitMs).unref();
    },
    /** Clears the line, lets `write` print whole lines where it was, then draws the line, now `next`, below them. */
    above(write: () => void, next: string) {
      if (timer) clearTimeout(timer);
      text = next;
      stream.write('\r\x1b[K');
      write();
      render();
    },
    stop() {
      if (timer) clearTimeout(timer);
      stream.write('\r\x1b[K');
    },
  };
}

/** Not a problem (nothing is wrong, the file is read under its final name): one plain line. */
function formatSkipped(path: string, reason: string): string {
  return `${escapeForTerminal(`skipped ${path}: ${reason}`)}\n`;
}
