import type { Detection, HuntResult } from '../hunt/run.js';
import type { HuntRule, Level, SkippedRule } from '../hunt/rule.js';
import { LEVELS } from '../hunt/rule.js';
import { shortIdentity } from './event-row.js';
import { escapeForTerminal } from './safe-text.js';

/**
 * A detection as one timeline line. The rule's title, id and author are on every line, in every
 * format: the Detection Rule License of SigmaHQ rules asks for that credit wherever a match is shown.
 */
export const DETECTION_LABELS = [
  'time',
  'level',
  'rule',
  'identity',
  'action',
  'source_ip',
  'account',
  'region',
  'event_id',
  'rule_id',
  'author',
] as const;

export function toDetectionRow(detection: Detection): Record<(typeof DETECTION_LABELS)[number], string | null> {
  const { event, rule } = detection;
  return {
    time: event.event_time,
    level: rule.level,
    rule: rule.title,
    identity: shortIdentity(event),
    action:
      event.event_name === null
        ? null
        : `${(event.event_source ?? '').replace(/\.amazonaws\.com$/, '')}:${event.event_name}`,
    source_ip: event.source_ip_address,
    account: event.recipient_account_id,
    region: event.aws_region,
    event_id: event.event_id,
    rule_id: rule.id,
    author: rule.author,
  };
}

/**
 * The closing summary, for stderr: detections per level and per rule, rules loaded, left out by
 * --level, and skipped with file, line and reason. Rule text comes from files: it is escaped.
 */
export function describeHunt(
  result: HuntResult,
  rules: readonly HuntRule[],
  skipped: readonly SkippedRule[],
  belowLevel: number,
): string {
  const lines: string[] = [];
  const byLevel = new Map<Level, number>();
  for (const detection of result.detections)
    byLevel.set(detection.rule.level, (byLevel.get(detection.rule.level) ?? 0) + 1);
  const firing = rules.filter((rule) => (result.perRule.get(rule.id) ?? 0) > 0);
  const detectionCount = result.detections.length;
  lines.push(
    `${detectionCount} detection${detectionCount === 1 ? '' : 's'} from ${firing.length} of ${rules.length} rules run`,
  );
  if (byLevel.size > 0)
    lines.push(
      `by level: ${[...LEVELS]
        .reverse()
        .filter((level) => byLevel.has(level))
        .map((level) => `${level} ${byLevel.get(level)}`)
        .join(', ')}`,
    );
  if (firing.length > 0) {
    lines.push('by rule:');
    const ranked = [...firing].sort(
      (a, b) =>
        LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) ||
        (result.perRule.get(b.id) ?? 0) - (result.perRule.get(a.id) ?? 0),
    );
    for (const rule of ranked) {
      const count = String(result.perRule.get(rule.id)).padStart(6);
      lines.push(`  ${rule.level.padEnd(13)} ${count}  ${rule.title} (${rule.id}, ${rule.author ?? 'no author'})`);
    }
  }
  const notRun = belowLevel > 0 ? `, ${belowLevel} below --level not run` : '';
  const loaded = `rules: ${rules.length + belowLevel} loaded${notRun}, ${skipped.length} skipped`;
  lines.push(loaded);
  for (const skip of skipped)
    lines.push(`  skipped ${skip.file}${skip.line === null ? '' : `:${skip.line}`}: ${skip.rule}: ${skip.reason}`);
  return `${lines.map(escapeForTerminal).join('\n')}\n`;
}
