import { ExitCode } from '../errors.js';

/** What a row is about: a digest file, its link to the digest before it, a log file, a time gap. */
export type VerdictKind = 'digest' | 'chain-link' | 'log' | 'gap';

/** Every verdict each kind can have, in report order; the summary counts all of them, zeros included. */
export const VERDICTS = {
  digest: ['valid', 'invalid', 'missing', 'unverifiable'],
  'chain-link': ['valid', 'start', 'archive-start', 'broken', 'missing', 'unverifiable'],
  log: ['valid', 'modified', 'missing', 'not-covered', 'unverifiable'],
  gap: ['gap'],
} as const;

export type LinkVerdict = (typeof VERDICTS)['chain-link'][number];

/** How a verdict moves the exit code: tampering wins over "could not verify" (STYLE.md). */
export type Effect = 'none' | 'unverifiable' | 'tampered';

/**
 * Why something could not be proven when the cause is the edge of the archive rather than the
 * files: the summary names these separately so they do not hide what was proven.
 */
export type Cause = 'newest-digest-unsigned' | 'listed-by-unsigned-newest' | 'after-newest-digest';

/** One verdict on one file. `path` is where a missing file was expected. */
export interface VerdictRow {
  readonly path: string;
  readonly kind: VerdictKind;
  readonly verdict: string;
  readonly detail: string;
  readonly effect: Effect;
  readonly cause: Cause | null;
}

const TAMPERED = new Set([
  'digest:invalid',
  'digest:missing',
  'chain-link:broken',
  'chain-link:missing',
  'log:modified',
  'log:missing',
]);
const UNVERIFIABLE = new Set([
  'digest:unverifiable',
  'chain-link:unverifiable',
  'chain-link:archive-start',
  'log:unverifiable',
  'log:not-covered',
]);

/**
 * The one table of effects. Two exceptions, both with a reason in README.md: a log file delivered in
 * the hour after the newest digest has no digest yet (CloudTrail writes it at the end of the hour),
 * so it has no effect; and a chain start is CloudTrail's own record that validation began there.
 */
export function effectOf(kind: VerdictKind, verdict: string, cause: Cause | null): Effect {
  if (cause === 'after-newest-digest') return 'none';
  const key = `${kind}:${verdict}`;
  if (TAMPERED.has(key)) return 'tampered';
  return UNVERIFIABLE.has(key) ? 'unverifiable' : 'none';
}

export function verdictRow(
  path: string,
  kind: VerdictKind,
  verdict: string,
  detail: string,
  cause: Cause | null = null,
): VerdictRow {
  return { path, kind, verdict, detail, effect: effectOf(kind, verdict, cause), cause };
}

/** 0 all proven, 3 anything tampered, 4 nothing tampered but something unproven. */
export function exitCodeOf(rows: readonly VerdictRow[]): ExitCode {
  if (rows.some((row) => row.effect === 'tampered')) return ExitCode.tampered;
  if (rows.some((row) => row.effect === 'unverifiable')) return ExitCode.unverifiable;
  return ExitCode.done;
}

export type VerdictCounts = { readonly [K in VerdictKind]: Record<string, number> };

export function countVerdicts(rows: readonly VerdictRow[]): VerdictCounts {
  const counts = Object.fromEntries(
    Object.entries(VERDICTS).map(([kind, verdicts]) => [
      kind,
      Object.fromEntries(verdicts.map((verdict) => [verdict, 0])),
    ]),
  ) as { [K in VerdictKind]: Record<string, number> };
  for (const row of rows) counts[row.kind][row.verdict] = (counts[row.kind][row.verdict] ?? 0) + 1;
  return counts;
}

const EFFECT_ORDER: Record<Effect, number> = { tampered: 0, unverifiable: 1, none: 2 };
const KIND_ORDER: Record<VerdictKind, number> = { digest: 0, 'chain-link': 1, log: 2, gap: 3 };

/** Problems first, so the top of a long table (or `| head`) shows what needs attention. */
export function sortRows(rows: readonly VerdictRow[]): VerdictRow[] {
  return [...rows].sort(
    (a, b) =>
      EFFECT_ORDER[a.effect] - EFFECT_ORDER[b.effect] ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      compareText(a.path, b.path),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
