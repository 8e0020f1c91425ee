/** Small texts the screen shows; the numbers are grouped the way the README writes them (1,234). */

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/** "1 match", "1,234 matches", or "1,000+ matches" when counting stopped at the cap. */
export function formatMatches(count: number, capped: boolean): string {
  if (capped) return `${formatNumber(count)}+ matches`;
  return count === 1 ? '1 match' : `${formatNumber(count)} matches`;
}

/** "just now", "3 min ago", "5 h ago", "2 days ago". */
export function formatAge(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return 'at an unknown time';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** `2026-03-02T10:40:00Z` as `2026-03-02 10:40:00` (all times on screen are UTC, as logged). */
export function listTime(eventTime: string | null): string {
  return eventTime ? eventTime.replace('T', ' ').replace(/Z$/, '') : '';
}
