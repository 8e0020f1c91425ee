/**
 * One full-text token standing for a whole value (an ARN, a user name, a source IP), so that an
 * exact filter such as `user:ci` or `ip:198.51` finds its events, or learns there are none, with
 * one posting-list lookup. Matched word by word, a half-typed value's common words (`ci` of
 * ci-deploy, `198` and `51`) named a large share of the index, and checking those candidates cost
 * up to half a second per keystroke in the terminal UI (ARCHITECTURE.md).
 *
 * The hash is of the value with ASCII letters lowered, the same equality as the COLLATE NOCASE
 * column check that follows every lookup, so a rare collision costs a row check, never a wrong
 * answer. The `vt` prefix and fixed length keep it out of the way of real words.
 */
export function valueToken(value: string): string {
  const folded = value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const hashDigits = (seed: number) => hash32(folded, seed).toString(36).padStart(7, '0');
  return `vt${hashDigits(0x811c9dc5)}${hashDigits(0x01000193)}`;
}

/** FNV-1a over UTF-16 code units, from two seeds for 64 bits between them. */
function hash32(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The tokens of the values present, space separated. */
export function valueTokens(values: readonly (string | null)[]): string {
  return values
    .filter((value): value is string => value !== null)
    .map(valueToken)
    .join(' ');
}
