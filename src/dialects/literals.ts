/**
 * String literals for each engine. Every value in a rendered statement goes through one of these:
 * the statement is printed for the user to run elsewhere, so there are no bound parameters to hide
 * behind. Control, bidi and other invisible characters are written as escapes, so a printed
 * statement shows what it contains and keeps one literal on one line.
 */

/** Characters written as escapes rather than as themselves (C0, DEL, C1, bidi, line and paragraph separators). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const INVISIBLE_GLOBAL = new RegExp(INVISIBLE.source, 'gu');

/**
 * Standard SQL (DuckDB): quotes doubled, backslash has no meaning; an invisible character is
 * concatenated in as `chr(n)`.
 */
export function duckdbString(value: string): string {
  if (!INVISIBLE.test(value)) return `'${value.replace(/'/g, "''")}'`;
  const pieces: string[] = [];
  let plain = '';
  for (const char of value) {
    if (INVISIBLE.test(char)) {
      if (plain !== '') pieces.push(`'${plain.replace(/'/g, "''")}'`);
      plain = '';
      pieces.push(`chr(${char.codePointAt(0)})`);
    } else {
      plain += char;
    }
  }
  if (plain !== '') pieces.push(`'${plain.replace(/'/g, "''")}'`);
  return `(${pieces.join(' || ')})`;
}

/**
 * Trino and Athena: quotes doubled, backslash has no meaning; with an invisible character the
 * literal becomes a Unicode literal `U&'…'`, where `\XXXX` (or `\+XXXXXX`) is the escape and a
 * backslash is written twice.
 */
export function trinoString(value: string): string {
  if (!INVISIBLE.test(value)) return `'${value.replace(/'/g, "''")}'`;
  const body = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "''")
    .replace(INVISIBLE_GLOBAL, (char) => `\\${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return `U&'${body}'`;
}

/**
 * ClickHouse: backslash escapes inside literals, so backslash and quote are escaped with one;
 * invisible characters become `\xHH` (their UTF-8 bytes).
 */
export function clickhouseString(value: string): string {
  const body = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(INVISIBLE_GLOBAL, (char) =>
      [...Buffer.from(char, 'utf8')].map((byte) => `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    );
  return `'${body}'`;
}

/** A LIKE pattern for a literal value: `%`, `_` and the escape character `\` escaped. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** A `*` wildcard pattern as a LIKE pattern, everything else literal. */
export function wildcardToLike(pattern: string): string {
  return escapeLike(pattern).replace(/\*/g, '%');
}
