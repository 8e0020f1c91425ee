import { ipv4ToInt } from '../normalize/event.js';
import { isoSecondsOf } from '../normalize/time.js';

/** A filter value that cannot mean anything: the message says what was expected. */
export class BadValueError extends Error {}

const SPAN_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A span such as `90s`, `15m`, `1h` or `2d`, in milliseconds. */
export function parseSpanMs(text: string): number {
  const span = /^(\d{1,6})([smhdw])$/i.exec(text);
  if (!span) throw new BadValueError(`"${text}" is not a span: use 90s, 15m, 1h or 2d`);
  return Number(span[1]) * SPAN_UNITS[span[2]!.toLowerCase()]!;
}

/**
 * `since:`/`until:` values as ISO-8601 UTC seconds, the form event_time is stored in: relative spans
 * (`24h`, `7d`, `90m`), dates (`2024-05-01`) and date-times with or without seconds and zone
 * (`2024-05-01T12:00Z`, `2024-05-01T12:00:30+02:00`; no zone means UTC). An `until` date alone
 * includes that whole day.
 */
export function parseTimeBound(value: string, bound: 'since' | 'until', now: Date): string {
  const span = /^(\d+)([smhdw])$/i.exec(value);
  if (span) return isoSecondsOf(now.getTime() - Number(span[1]) * SPAN_UNITS[span[2]!.toLowerCase()]!);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(start) || isoSecondsOf(start).slice(0, 10) !== value) throw badTime(value);
    return bound === 'since' ? isoSecondsOf(start) : isoSecondsOf(start + 86_400_000 - 1_000);
  }
  const dateTime = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value);
  if (!dateTime) throw badTime(value);
  const [, date, hours, minutes, seconds = '00', zone = 'Z'] = dateTime;
  const ms = Date.parse(
    `${date}T${hours}:${minutes}:${seconds}${zone.toUpperCase() === 'Z' ? 'Z' : normalizeZone(zone)}`,
  );
  if (Number.isNaN(ms)) throw badTime(value);
  return isoSecondsOf(ms);
}

function normalizeZone(zone: string): string {
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

function badTime(value: string): BadValueError {
  return new BadValueError(`"${value}" is not a time: use 24h, 7d, 2024-05-01 or 2024-05-01T12:00Z`);
}

/** An IPv4 CIDR block as the inclusive range of 32-bit addresses it covers. */
export function parseIpv4Cidr(value: string): { first: number; last: number } {
  const [address = '', bitsText = ''] = value.split('/');
  const base = ipv4ToInt(address);
  const bits = /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (base === null || !(bits >= 0 && bits <= 32)) {
    if (address.includes(':'))
      throw new BadValueError(`"${value}": CIDR ranges are supported for IPv4; give an IPv6 address in full`);
    throw new BadValueError(
      `"${value}" is not a CIDR range: use an IPv4 address and a prefix length 0-32, such as 203.0.113.0/24`,
    );
  }
  const size = 2 ** (32 - bits);
  const first = Math.floor(base / size) * size;
  return { first, last: first + size - 1 };
}

export function parseBoolean(value: string): 0 | 1 {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'yes' || lower === '1') return 1;
  if (lower === 'false' || lower === 'no' || lower === '0') return 0;
  throw new BadValueError(`"${value}" is not true or false`);
}

/** A value with `*` wildcards as a LIKE pattern, its own `%`, `_` and `\` escaped. */
export function toLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`).replace(/\*/g, '%');
}

export function hasWildcard(value: string): boolean {
  return value.includes('*');
}

/** The text before the first wildcard: a range an index can seek to. */
export function literalPrefix(value: string): string {
  const star = value.indexOf('*');
  return star === -1 ? value : value.slice(0, star);
}

/** The edit distance between two short words, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
