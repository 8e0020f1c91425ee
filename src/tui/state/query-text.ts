/**
 * The query line as text: editing at a cursor, and terms built from values seen in the logs
 * (facets, pivots) quoted so that the search language reads them back as one value.
 */

/** The query being typed and where the cursor is, in UTF-16 units of `text`. */
export interface QueryLine {
  readonly text: string;
  readonly cursor: number;
}

/** Typed or pasted text as it may enter the query: one line, no control or bidi characters. */
export function cleanTypedText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, '');
}

export function insertText(line: QueryLine, text: string): QueryLine {
  const clean = cleanTypedText(text);
  return {
    text: line.text.slice(0, line.cursor) + clean + line.text.slice(line.cursor),
    cursor: line.cursor + clean.length,
  };
}

export function deleteBack(line: QueryLine): QueryLine {
  if (line.cursor === 0) return line;
  const width = isLowSurrogate(line.text.charCodeAt(line.cursor - 1)) && line.cursor >= 2 ? 2 : 1;
  return { text: line.text.slice(0, line.cursor - width) + line.text.slice(line.cursor), cursor: line.cursor - width };
}

/** Ctrl-W: the word before the cursor and the spaces after it. */
export function deleteWordBack(line: QueryLine): QueryLine {
  const before = line.text.slice(0, line.cursor).replace(/\S*\s*$/, '');
  return { text: before + line.text.slice(line.cursor), cursor: before.length };
}

export function moveCursor(line: QueryLine, to: 'left' | 'right' | 'start' | 'end'): QueryLine {
  const { text, cursor } = line;
  if (to === 'start') return { text, cursor: 0 };
  if (to === 'end') return { text, cursor: text.length };
  if (to === 'left')
    return { text, cursor: Math.max(0, cursor - (cursor >= 2 && isLowSurrogate(text.charCodeAt(cursor - 1)) ? 2 : 1)) };
  return { text, cursor: Math.min(text.length, cursor + (isHighSurrogate(text.charCodeAt(cursor)) ? 2 : 1)) };
}

export function lineAtEnd(text: string): QueryLine {
  return { text, cursor: text.length };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A value as the parser reads it back whole: bare when it has no space, parenthesis or quote and
 * does not start with `-`; otherwise in double quotes, with `"` and `\` escaped.
 */
export function quoteValue(value: string): string {
  if (value !== '' && !/[\s()"\\]/.test(value) && !value.startsWith('-')) return value;
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** `field:value`, quoted as needed, with `-` in front to exclude. */
export function fieldTerm(field: string, value: string, negate = false): string {
  return `${negate ? '-' : ''}${field}:${quoteValue(value)}`;
}

/** The query with one more term ANDed on; a query with OR at its top level is grouped first. */
export function addTerm(query: string, term: string): string {
  const trimmed = query.trim();
  if (trimmed === '') return term;
  return /(^|\s)OR(\s|$)/.test(trimmed) ? `(${trimmed}) ${term}` : `${trimmed} ${term}`;
}
