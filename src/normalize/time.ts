const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const BASIC_ISO = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/;
/** `2024-12-12 16:04:32`, optionally with up to 9 fraction digits and an offset (Panther, lookup-events). */
const SPACED = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)?$/;
const EPOCH_DIGITS = /^\d{10,13}$/;
/** Java's default date format, `Nov 4, 2024, 7:56:35 PM` (CLOUDTRAIL.md §3); logged in UTC. */
const JAVA_DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4},? \d{1,2}:\d\d:\d\d [AP]M$/;

/** Epoch milliseconds in years 1970–2200; anything else is a corrupt field, not a time. */
const MAX_EPOCH_MS = 7_258_118_400_000;

/**
 * Parses every eventTime variant seen in real files (CLOUDTRAIL.md §3) to canonical ISO-8601 UTC
 * `YYYY-MM-DDTHH:MM:SSZ`, or null when the value is not a time. Strings without a zone are UTC.
 */
export function toIsoSeconds(value: unknown): string | null {
  if (typeof value === 'string') {
    if (CANONICAL.test(value)) return value;
    return formatEpochMs(parseTimeText(value.trim()));
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return formatEpochMs(value < 1e11 ? value * 1000 : value);
  }
  return null;
}

function parseTimeText(text: string): number {
  const basic = BASIC_ISO.exec(text);
  if (basic) return Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!);
  const spaced = SPACED.exec(text);
  if (spaced) {
    const fraction = spaced[3] ? spaced[3].slice(0, 4) : '';
    return Date.parse(`${spaced[1]}T${spaced[2]}${fraction}${spaced[4] ?? 'Z'}`);
  }
  if (EPOCH_DIGITS.test(text)) {
    const number = Number(text);
    return text.length <= 10 ? number * 1000 : number;
  }
  if (JAVA_DATE.test(text)) return Date.parse(`${text} UTC`);
  return Date.parse(text);
}

function formatEpochMs(epochMs: number): string | null {
  if (!Number.isFinite(epochMs) || epochMs < 0 || epochMs > MAX_EPOCH_MS) return null;
  return isoSecondsOf(epochMs);
}

/** Epoch ms as `YYYY-MM-DDTHH:MM:SSZ`, the fraction dropped: the one form of every stored and queried time. */
export function isoSecondsOf(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
