import { sep } from 'node:path';

/**
 * Which log files to read, decided from the S3 key alone, before a file is opened: the account and
 * region folders, the date folders and the delivery time in the file name (CLOUDTRAIL.md §1).
 */
export interface KeyFilter {
  /** Epoch ms: files whose events all happened before are skipped. */
  readonly sinceMs?: number | undefined;
  /** Epoch ms: files whose events all happened after are skipped. */
  readonly untilMs?: number | undefined;
  readonly accounts?: ReadonlySet<string> | undefined;
  readonly regions?: ReadonlySet<string> | undefined;
}

export type SkipReason = 'before-since' | 'after-until' | 'other-account' | 'other-region';
export const SKIP_REASONS: readonly SkipReason[] = ['before-since', 'after-until', 'other-account', 'other-region'];

/**
 * `<account>/CloudTrail[-Digest|-Insight]/<region>/YYYY/MM/DD/<name>` at the end of a path, whatever
 * the prefix (organization trails add `o-…/` above the account).
 */
const S3_KEY = /(?:^|\/)([^/]+)\/CloudTrail(?:-Digest|-Insight)?\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)$/;
/** The delivery time in a log (`_20260303T1511Z_`) or digest (`_20260303T150500Z`) file name. */
const NAME_TIME = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z[_.]/;

/**
 * How long after its events a file may be delivered. Most arrive within 15 minutes, but late
 * deliveries hours after the event happen (the samples model 2 h, as seen in real trails), so a
 * file is skipped for --until only when delivered more than 6 h after it. --since needs no slack:
 * a file never holds events newer than its delivery.
 */
export const DELIVERY_SLACK_MS = 6 * 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Why a file can be skipped without reading it, or null to read it. A path not in the S3 layout
 * (a zip, a single export) is always read: nothing can be known of it without opening it.
 */
export function skipReason(path: string, filter: KeyFilter): SkipReason | null {
  const key = S3_KEY.exec(sep === '/' ? path : path.split(sep).join('/'));
  if (!key) return null;
  const [, account, region, year, month, day, name] = key;
  if (filter.accounts && !filter.accounts.has(account!)) return 'other-account';
  if (filter.regions && !filter.regions.has(region!)) return 'other-region';
  const delivered = deliveryWindow(`${year}-${month}-${day}`, name!);
  if (filter.sinceMs !== undefined && delivered.lastMs < filter.sinceMs) return 'before-since';
  if (filter.untilMs !== undefined && delivered.firstMs - DELIVERY_SLACK_MS > filter.untilMs) return 'after-until';
  return null;
}

/** When the file was delivered: to the minute from its name, else somewhere in its date folder's day. */
function deliveryWindow(folderDay: string, name: string): { firstMs: number; lastMs: number } {
  const time = NAME_TIME.exec(name);
  if (time) {
    const [, y, mo, d, h, mi, s = '00'] = time;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    if (!Number.isNaN(ms)) return { firstMs: ms, lastMs: ms + MINUTE_MS - 1 };
  }
  const dayMs = Date.parse(`${folderDay}T00:00:00Z`);
  return { firstMs: dayMs, lastMs: dayMs + DAY_MS - 1 };
}
