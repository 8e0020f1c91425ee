import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../errors.js';
import { BadValueError, parseTimeBound } from '../search/values.js';
import { SKIP_REASONS } from '../sources/key-filter.js';
import type { KeyFilter, SkipReason } from '../sources/key-filter.js';

export interface KeyFilterArgs {
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly account?: (string | number)[] | undefined;
  readonly region?: string[] | undefined;
}

/** `--since`, `--until`, `--account`, `--region` for `index` and `watch`: files outside are never opened. */
export function withKeyFilter<T>(yargs: Argv<T>) {
  return yargs
    .option('since', {
      type: 'string',
      describe: 'skip log files delivered before this (7d, 2026-03-01, 2026-03-01T12:00Z), judged by their S3 key',
    })
    .option('until', {
      type: 'string',
      describe: 'skip log files delivered more than 6 hours after this (late deliveries), judged by their S3 key',
    })
    .option('account', { type: 'string', array: true, describe: "read only these accounts' folders (repeatable)" })
    .option('region', { type: 'string', array: true, describe: "read only these regions' folders (repeatable)" });
}

/** The filter, or undefined when no option asks for one. Times take the search language's since:/until: forms. */
export function keyFilterFrom(args: KeyFilterArgs, now = new Date()): KeyFilter | undefined {
  if (args.since === undefined && args.until === undefined && !args.account?.length && !args.region?.length)
    return undefined;
  return {
    sinceMs: args.since === undefined ? undefined : timeOption(args.since, 'since', now),
    untilMs: args.until === undefined ? undefined : timeOption(args.until, 'until', now),
    accounts: args.account?.length ? new Set(args.account.map(String)) : undefined,
    regions: args.region?.length ? new Set(args.region) : undefined,
  };
}

function timeOption(value: string, bound: 'since' | 'until', now: Date): number {
  try {
    return Date.parse(parseTimeBound(value, bound, now));
  } catch (error) {
    if (error instanceof BadValueError)
      throw new UserError({
        what: `bad --${bound}`,
        reason: error.message,
        help: `for example --${bound} 7d or --${bound} 2026-03-01`,
        exitCode: ExitCode.usage,
      });
    throw error;
  }
}

const REASON_TEXT: Record<SkipReason, string> = {
  'before-since': 'delivered before --since',
  'after-until': 'delivered after --until',
  'other-account': 'another account',
  'other-region': 'another region',
};

/** "skipped unopened: 12 files (10 delivered before --since, 2 another region)", or null when none were. */
export function describeSkipped(skipped: Record<SkipReason, number>): string | null {
  const total = SKIP_REASONS.reduce((sum, reason) => sum + skipped[reason], 0);
  if (total === 0) return null;
  const parts = SKIP_REASONS.filter((reason) => skipped[reason] > 0).map(
    (reason) => `${skipped[reason]} ${REASON_TEXT[reason]}`,
  );
  return `skipped unopened, by S3 key: ${total} files (${parts.join(', ')})`;
}
