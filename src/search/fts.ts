import { searchableForm } from '../normalize/search-text.js';
import { valueToken } from '../normalize/value-token.js';
import { BadValueError } from './values.js';

/**
 * FTS5 expressions built from user text. User text is never FTS syntax: every piece goes inside a
 * double-quoted string (quotes doubled), so `AND`, `NEAR`, `:` or `*` typed by a user are words.
 */

/** What the unicode61 tokenizer keeps as token characters; everything else separates tokens. */
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

function quoteFts(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** A free-text term or "phrase"; a trailing `*` makes the last word a prefix (`deploy*`). */
export function freeTextExpression(value: string): string {
  const prefix = value.endsWith('*');
  const words = searchableForm(value).match(TOKEN);
  if (!words) throw new BadValueError(`"${value}" has no letters or digits to search for`);
  return `${quoteFts(words.join(' '))}${prefix ? ' *' : ''}`;
}

/** The one token that stands for a whole value in the index (normalize/value-token.ts). */
export function valueTokenExpression(value: string): string {
  return quoteFts(valueToken(value));
}

/** Restricts an expression to some columns of events_fts. */
export function inColumns(columns: readonly string[], expression: string): string {
  return `{${columns.join(' ')}} : (${expression})`;
}

/**
 * An FTS expression that every value matching a `*` pattern must match, or null when the pattern
 * names no whole word (`*deploy*` could sit inside any token): then the caller filters without FTS.
 * Words cut by a wildcard are dropped at the front and become prefixes at the back:
 * `arn:aws:iam::*:user/ci-*` needs "arn aws iam" and "user ci"*.
 */
export function patternExpression(pattern: string): string | null {
  const segments = searchableForm(pattern).split('*');
  const phrases: string[] = [];
  segments.forEach((segment, index) => {
    const afterWildcard = index > 0;
    const beforeWildcard = index < segments.length - 1;
    const runs = [...segment.matchAll(TOKEN)];
    const words = runs
      .filter((run) => !(afterWildcard && run.index === 0))
      .map((run) => ({ text: run[0], end: run.index! + run[0].length }));
    if (words.length === 0) return;
    const last = words[words.length - 1]!;
    const prefix = beforeWildcard && last.end === segment.length;
    phrases.push(`${quoteFts(words.map((word) => word.text).join(' '))}${prefix ? ' *' : ''}`);
  });
  return phrases.length === 0 ? null : phrases.join(' AND ');
}
