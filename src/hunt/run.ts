import { allRows } from '../search/read-statement.js';
import type { SqliteDatabase } from '../store/db.js';
import { LEVELS } from './rule.js';
import type { HuntRule, Level } from './rule.js';
import { ruleStatement } from './sqlite.js';
import type { DetectionRow, EventFilter } from './sqlite.js';

/** One event matched by one rule. */
export interface Detection {
  readonly rule: HuntRule;
  readonly event: DetectionRow;
}

export interface HuntResult {
  /** Oldest first; an event matched by several rules appears once per rule, the higher level first. */
  readonly detections: readonly Detection[];
  /** Detections per rule id, for every rule run (0 included). */
  readonly perRule: ReadonlyMap<string, number>;
}

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Runs each rule as its one statement over `db` and merges the detections into one timeline. */
export function runHunt(db: SqliteDatabase, rules: readonly HuntRule[], filter: EventFilter): HuntResult {
  const detections: Detection[] = [];
  const perRule = new Map<string, number>();
  for (const rule of rules) {
    const statement = ruleStatement(rule.predicate, rule.aggregation, filter);
    const rows = allRows<DetectionRow>(db, statement, `rule ${rule.id} (${rule.file}) failed`);
    perRule.set(rule.id, rows.length);
    for (const event of rows) detections.push({ rule, event });
  }
  detections.sort(compareDetections);
  return { detections, perRule };
}

function compareDetections(a: Detection, b: Detection): number {
  const time = (a.event.event_time ?? '').localeCompare(b.event.event_time ?? '');
  if (time !== 0) return time;
  if (a.event.row_id !== b.event.row_id) return a.event.row_id - b.event.row_id;
  return levelRank(b.rule.level) - levelRank(a.rule.level) || a.rule.title.localeCompare(b.rule.title);
}
