import type { EventListRow } from '../../search/engine.js';
import type { EventSource } from '../../search/browse.js';
import { eventIdentity } from '../../search/event-identity.js';
import { isObject, toPrincipal } from '../../normalize/identity.js';
import { escapeForTerminal } from '../../present/safe-text.js';
import type { RuleLabel } from '../../search-service/detection-answers.js';
import { prettyJsonLines } from './json-lines.js';
import type { Segment, SegmentKind, StyledLine } from './json-lines.js';

/** Card labels are padded to this width so values line up. */
const LABEL_WIDTH = 7;

/** The source file as shown: loading, unknown, or its path and verdict. */
export type SourceState =
  { readonly state: 'loading' } | { readonly state: 'loaded'; readonly source: EventSource | null };

/**
 * The detail pane's lines for one event: a WHO / WHAT / WHERE / WHEN / RESULT card, the file it came
 * from and that file's verification, the shipped rules it matches (null: still asked), then the
 * whole record as indented JSON. Every value from the log, and every rule title, passes the terminal escape.
 */
export function detailLines(
  row: EventListRow,
  source: SourceState,
  rules: readonly RuleLabel[] | null = [],
): StyledLine[] {
  // The card falls back to the indexed columns when the record does not parse; its text is still shown below.
  const principal = toPrincipal(parseRecord(row.record)?.['userIdentity']);
  // The type leads; an identity that is only its type is not said twice.
  const identity = eventIdentity(row);
  const lines: StyledLine[] = [
    card('WHO', [row.user_identity_type, identity === row.user_identity_type ? null : identity]),
    card('', [
      labelled('key', row.user_identity_access_key_id),
      labelled('issuer', row.session_issuer_arn ?? principal.sessionIssuerArn),
      labelled('MFA', principal.mfaAuthenticated === null ? null : principal.mfaAuthenticated === 1 ? 'yes' : 'no'),
    ]),
    card('WHAT', [
      row.event_source,
      row.event_name,
      row.read_only === null ? null : Number(row.read_only) === 1 ? 'read-only' : 'writes',
    ]),
    card('WHERE', [row.aws_region, labelled('from', row.source_ip_address)]),
    card('', [labelled('agent', row.user_agent)]),
    card('WHEN', [row.event_time]),
    resultLine(row),
    fileLine(source),
    ...rulesLines(rules),
    [{ text: '── record ──', kind: 'muted' }],
  ];
  return [
    ...lines.filter((line) => line.length > 1 || line[0]?.text.trim() !== ''),
    ...prettyJsonLines(row.record ?? 'null'),
  ];
}

function card(label: string, values: readonly (string | null | undefined)[]): StyledLine {
  const present = values.filter((value): value is string => typeof value === 'string' && value !== '');
  return [
    { text: label.padEnd(LABEL_WIDTH), kind: 'label' },
    ...(present.length ? [{ text: escapeForTerminal(present.join('  ')), kind: 'plain' as const }] : []),
  ];
}

function labelled(label: string, value: string | null | undefined): string | null {
  return value ? `${label} ${value}` : null;
}

function resultLine(row: EventListRow): StyledLine {
  if (!row.error_code)
    return [
      { text: 'RESULT'.padEnd(LABEL_WIDTH), kind: 'label' },
      { text: 'OK', kind: 'good' },
    ];
  const parts: Segment[] = [
    { text: 'RESULT'.padEnd(LABEL_WIDTH), kind: 'label' },
    { text: escapeForTerminal(row.error_code), kind: 'bad' },
  ];
  if (row.error_message) parts.push({ text: `  ${escapeForTerminal(row.error_message)}`, kind: 'plain' });
  return parts;
}

/** One line per matching rule, `RULES  high  Title`; the rule's author is in the detections view (h). */
function rulesLines(rules: readonly RuleLabel[] | null): StyledLine[] {
  const label = (first: boolean): Segment => ({ text: (first ? 'RULES' : '').padEnd(LABEL_WIDTH), kind: 'label' });
  if (rules === null) return [[label(true), { text: '…', kind: 'muted' }]];
  if (rules.length === 0) return [[label(true), { text: 'none of the shipped rules', kind: 'muted' }]];
  return rules.map((rule, i) => [
    label(i === 0),
    { text: `${rule.level}  `, kind: rule.level === 'high' || rule.level === 'critical' ? 'bad' : 'plain' },
    { text: escapeForTerminal(rule.title), kind: 'plain' },
  ]);
}

function fileLine(source: SourceState): StyledLine {
  const label: Segment = { text: 'FILE'.padEnd(LABEL_WIDTH), kind: 'label' };
  if (source.state === 'loading') return [label, { text: '…', kind: 'muted' }];
  if (source.source === null) return [label, { text: 'unknown', kind: 'muted' }];
  const { path, recordIndex, verdict } = source.source;
  const [text, kind] = verdictText(verdict);
  return [label, { text: `${escapeForTerminal(path)} #${recordIndex}  `, kind: 'plain' }, { text, kind }];
}

/** `trailhound verify` verdicts for a log file, as the card names them. */
function verdictText(verdict: string | null): [string, SegmentKind] {
  if (verdict === 'valid') return ['verified', 'good'];
  if (verdict === 'modified') return ['modified', 'bad'];
  return [verdict === null ? 'not verified' : `not verified (${escapeForTerminal(verdict)})`, 'muted'];
}

function parseRecord(text: string | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text ?? 'null');
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}
