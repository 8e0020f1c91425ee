import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openReadOnly } from '../store/db.js';
import type { SqliteDatabase } from '../store/db.js';
import { compileQuery } from '../search/compile.js';
import { rowsAddedBetween } from '../search/engine.js';
import type { SqlPart } from '../search/fields.js';
import type { HuntRule } from '../hunt/rule.js';
import { ruleWhere } from '../hunt/sqlite.js';
import type { AddedMatch } from '../search/engine.js';
import { shortIdentity } from '../present/event-row.js';
import { escapeForTerminal, escapeJsonForTerminal } from '../present/safe-text.js';
import type { IndexedBatch, OnIndexed } from './on-indexed.js';

/**
 * `watch --alert QUERY`: the local counterpart of CloudTrail's SNS delivery notification. After each
 * committed batch, every alert query runs over the rows that batch added (by row id range: the watch
 * is the only writer, so new rows have larger ids) and each match is printed and, with
 * `--alert-exec CMD`, piped as one JSON line into CMD.
 */
export interface AlertOptions {
  readonly dbPath: string;
  readonly queries: readonly string[];
  /** Sigma rules (`--alert-rules`), compiled by the same compiler as `hunt`. */
  readonly rules?: readonly HuntRule[];
  readonly execCommand: string | undefined;
  /** JSON lines on stdout instead of a human line (with --json-log). */
  readonly json: boolean;
  /** Where alert lines go: stdout, printed above the watch's status line on a terminal. */
  readonly out: { write(text: string): unknown };
  readonly errors: NodeJS.WritableStream;
}

/** A search or a rule; `label` is what the alert line shows (a rule's title, id and author: its credit). */
interface Alert {
  readonly label: string;
  readonly where: SqlPart;
  readonly rule: HuntRule | null;
}

export class Alerts {
  private readonly alerts: Alert[];
  private db: SqliteDatabase | null = null;
  private exec: ChildProcess | null = null;

  constructor(private readonly options: AlertOptions) {
    // Compiled up front, so a typo fails before the watch starts, not at the first event.
    this.alerts = [
      ...options.queries.map((query) => ({ label: query, where: compileQuery(query).rowWhere, rule: null })),
      ...(options.rules ?? []).map((rule) => ({
        label: `${rule.level}: ${rule.title} (${rule.id}, ${rule.author ?? 'no author'})`,
        where: ruleWhere(rule.predicate, null),
        rule,
      })),
    ];
  }

  /**
   * The watch's onIndexed hook. The catch-up scan at start-up is history, not activity that just
   * landed: it is not alerted on, or a restart would replay every old match.
   */
  readonly onIndexed: OnIndexed = (batch) => {
    if (batch.catchUp || batch.maxRowId <= batch.previousMaxRowId || this.alerts.length === 0) return;
    try {
      for (const alert of this.alerts) {
        for (const match of this.matches(alert, batch)) this.emit(alert, match);
      }
    } catch (error) {
      this.options.errors.write(
        `warning: alert failed: ${escapeForTerminal(error instanceof Error ? error.message : String(error))}\n`,
      );
    }
  };

  close(): void {
    this.db?.close();
    this.exec?.stdin?.end();
  }

  private matches(alert: Alert, batch: IndexedBatch): AddedMatch[] {
    this.db ??= openReadOnly(this.options.dbPath);
    return rowsAddedBetween(this.db, alert.where, batch.previousMaxRowId, batch.maxRowId);
  }

  private emit(alert: Alert, match: AddedMatch): void {
    const record = match.record.includes('\n') ? JSON.stringify(JSON.parse(match.record)) : match.record;
    const ruleSummary = alert.rule && {
      id: alert.rule.id,
      title: alert.rule.title,
      author: alert.rule.author,
      level: alert.rule.level,
    };
    const rule = ruleSummary ? `"rule":${JSON.stringify(ruleSummary)},` : '';
    const json =
      `{"type":"alert","alert":${JSON.stringify(alert.label)},${rule}"row_id":${match.row_id},` +
      `"source_file":${JSON.stringify(match.source_file)},"record":${record}}`;
    if (this.options.json) {
      this.options.out.write(`${escapeJsonForTerminal(json)}\n`);
    } else {
      const who = shortIdentity(match);
      const fields = [
        match.event_time ?? '?',
        who,
        match.event_name ?? '?',
        match.source_ip_address ?? '',
        match.error_code ?? 'OK',
      ];
      this.options.out.write(`ALERT [${escapeForTerminal(alert.label)}] ${fields.map(escapeForTerminal).join('  ')}\n`);
    }
    if (this.options.execCommand) this.pipe(`${json}\n`);
  }

  /** One long-lived shell command reads every match on stdin; if it exits, the next match starts it again. */
  private pipe(line: string): void {
    if (!this.exec || this.exec.exitCode !== null || this.exec.stdin?.destroyed) {
      const child = spawn(this.options.execCommand!, { shell: true, stdio: ['pipe', 'inherit', 'inherit'] });
      child.stdin.on('error', () => undefined);
      child.on('error', (error) =>
        this.options.errors.write(`warning: --alert-exec failed: ${escapeForTerminal(error.message)}\n`),
      );
      this.exec = child;
    }
    this.exec.stdin?.write(line);
  }
}
