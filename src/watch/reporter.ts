import type { Problem } from '../errors.js';
import { escapeJsonForTerminal } from '../present/safe-text.js';
import type { FileReport } from '../store/index-state.js';

/** What the watch loop tells the people or programs watching it. */
export interface WatchReporter {
  /** The catch-up scan is done: from now on files are read as they land. */
  watching(roots: readonly string[]): void;
  /** A file was read and committed: another connection finds its events. */
  indexed(report: FileReport): void;
  problem(problem: Problem): void;
  /** A file was deleted or renamed away; its events stay in the index. */
  missing(path: string): void;
  /** A file that is not read (a download still under a temporary name), listed once with why. */
  skipped?(path: string, reason: string): void;
  close(): void;
}

/** Sends every report to each reporter, in order. */
export function combineReporters(reporters: readonly WatchReporter[]): WatchReporter {
  return {
    watching: (roots) => reporters.forEach((reporter) => reporter.watching(roots)),
    indexed: (report) => reporters.forEach((reporter) => reporter.indexed(report)),
    problem: (problem) => reporters.forEach((reporter) => reporter.problem(problem)),
    missing: (path) => reporters.forEach((reporter) => reporter.missing(path)),
    skipped: (path, reason) => reporters.forEach((reporter) => reporter.skipped?.(path, reason)),
    close: () => reporters.forEach((reporter) => reporter.close()),
  };
}

/**
 * `--json-log`: one JSON object per line on stdout, for running as a service. Field names are the
 * column names of the `files` and `problems` tables, so a log line and a query result read alike.
 */
export function createJsonLog(
  out: { write(text: string): unknown },
  now: () => Date = () => new Date(),
): WatchReporter {
  const line = (type: string, fields: Record<string, unknown>) => {
    out.write(escapeJsonForTerminal(JSON.stringify({ type, time: now().toISOString(), ...fields })) + '\n');
  };
  return {
    watching: (roots) => line('watching', { paths: roots }),
    indexed: (report) =>
      line('indexed', {
        path: report.path,
        status: report.status,
        events_read: report.eventsRead,
        events_new: report.eventsNew,
        problems: report.problems.length,
      }),
    problem: (problem) =>
      line('problem', { path: problem.path, position: problem.position, stage: problem.stage, reason: problem.reason }),
    missing: (path) => line('missing', { path }),
    skipped: (path, reason) => line('skipped', { path, reason }),
    close: () => undefined,
  };
}
