/**
 * Finds where a value sits inside the bytes of a JSON document that has already parsed, so that a
 * record inside a wrapper is kept as the bytes the file holds, never re-serialised from parsed JSON
 * (which turns 12345678901234567890123 into 1.2345678901234568e+22, 1e400 into null, 1.0 into 1 and
 * drops duplicate keys; issue 13). Iterative: depth costs no stack.
 */
import {
  QUOTE,
  BACKSLASH,
  OPEN_BRACE,
  CLOSE_BRACE,
  OPEN_BRACKET,
  CLOSE_BRACKET,
  COMMA,
  COLON,
  isWhitespace,
} from './json-bytes.js';

/** A value's bytes: `[start, end)` in the document. */
export interface Slice {
  readonly start: number;
  readonly end: number;
}

/** One step into a document: an object member by key (the last one, as JSON.parse keeps), or an array element. */
export type PathStep = string | number;

/**
 * The slice of the value at `path`, or null when the document has no such value. Element lists are
 * cached per array, so walking every element of a large array costs one pass over it.
 */
export class JsonSlicer {
  private readonly elements = new Map<string, Slice[]>();

  constructor(readonly bytes: Buffer) {}

  sliceAt(path: readonly PathStep[]): Slice | null {
    let slice: Slice | null = { start: skipWhitespace(this.bytes, 0), end: this.bytes.length };
    for (let i = 0; i < path.length && slice !== null; i++) {
      const step = path[i]!;
      slice =
        typeof step === 'number'
          ? (this.elementsOf(slice, path.slice(0, i)).at(step) ?? null)
          : memberOf(this.bytes, slice, step);
    }
    return slice === null ? null : { start: slice.start, end: valueEnd(this.bytes, slice.start) };
  }

  private elementsOf(array: Slice, path: readonly PathStep[]): Slice[] {
    const key = JSON.stringify(path);
    let found = this.elements.get(key);
    if (found === undefined) {
      found = elementsOf(this.bytes, array);
      this.elements.set(key, found);
    }
    return found;
  }
}

function skipWhitespace(bytes: Buffer, i: number): number {
  while (i < bytes.length && isWhitespace(bytes[i]!)) i++;
  return i;
}

/** The index just past the value that starts at `start`. */
export function valueEnd(bytes: Buffer, start: number): number {
  const first = bytes[start];
  if (first === QUOTE) return stringEnd(bytes, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let i = start;
    while (
      i < bytes.length &&
      !isWhitespace(bytes[i]!) &&
      bytes[i] !== COMMA &&
      bytes[i] !== CLOSE_BRACE &&
      bytes[i] !== CLOSE_BRACKET
    )
      i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) i = stringEnd(bytes, i) - 1;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return bytes.length;
}

function stringEnd(bytes: Buffer, start: number): number {
  for (let i = start + 1; i < bytes.length; i++) {
    if (bytes[i] === BACKSLASH) i++;
    else if (bytes[i] === QUOTE) return i + 1;
  }
  return bytes.length;
}

function memberOf(bytes: Buffer, object: Slice, key: string): Slice | null {
  if (bytes[object.start] !== OPEN_BRACE) return null;
  let found: Slice | null = null;
  let i = skipWhitespace(bytes, object.start + 1);
  while (i < bytes.length && bytes[i] === QUOTE) {
    const keyEnd = stringEnd(bytes, i);
    const name = JSON.parse(bytes.toString('utf8', i, keyEnd)) as string;
    i = skipWhitespace(bytes, keyEnd);
    if (bytes[i] !== COLON) return found;
    const valueStart = skipWhitespace(bytes, i + 1);
    const end = valueEnd(bytes, valueStart);
    if (name === key) found = { start: valueStart, end };
    i = skipWhitespace(bytes, end);
    if (bytes[i] !== COMMA) break;
    i = skipWhitespace(bytes, i + 1);
  }
  return found;
}

function elementsOf(bytes: Buffer, array: Slice): Slice[] {
  const found: Slice[] = [];
  if (bytes[array.start] !== OPEN_BRACKET) return found;
  let i = skipWhitespace(bytes, array.start + 1);
  while (i < bytes.length && bytes[i] !== CLOSE_BRACKET) {
    const end = valueEnd(bytes, i);
    found.push({ start: i, end });
    i = skipWhitespace(bytes, end);
    if (bytes[i] !== COMMA) break;
    i = skipWhitespace(bytes, i + 1);
  }
  return found;
}

/**
 * How deeply the JSON text nests, counted without parsing (and so without a call stack), stopping
 * once past `limit`: JSON.parse of a record 200,000 levels deep succeeds, and every recursive walk of
 * it afterwards overflows the stack.
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === BACKSLASH) i++;
        else if (inner === QUOTE) break;
      }
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** A UTF-16 string that cannot be written as UTF-8: a surrogate without its pair (from a `\ud800` escape). */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
