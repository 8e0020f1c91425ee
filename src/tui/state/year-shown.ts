import type { ResultsState } from '../hooks/use-search.js';

/**
 * Whether times on screen need their year: unless every result is known to be from the current
 * (UTC) year, a date without one misleads (`02-08` above `02-15`, a year older, reads as unsorted).
 * The timeline, when it covers every match, says where the results begin and end; before it
 * arrives the rows read so far decide, and a capped timeline leaves the oldest unknown.
 */
export function showsYear(results: ResultsState, now: Date): boolean {
  const year = String(now.getUTCFullYear());
  const { timeline } = results;
  if (timeline?.capped) return true;
  const hours = timeline?.hours ?? [];
  if (timeline && hours.length > 0) return !hours[0]!.hour.startsWith(year) || !hours.at(-1)!.hour.startsWith(year);
  for (const rows of results.pages.values()) {
    if (rows.some((row) => row.event_time !== null && !row.event_time.startsWith(year))) return true;
  }
  return false;
}
