import { displayWidth, escapeForTerminal, escapeJsonForTerminal } from '../../present/safe-text.js';

/** What a piece of a line is, for colouring: JSON tokens, and the detail card's labels and verdicts. */
export type SegmentKind =
  'key' | 'string' | 'number' | 'literal' | 'punct' | 'plain' | 'label' | 'good' | 'bad' | 'muted';

export interface Segment {
  readonly text: string;
  readonly kind: SegmentKind;
}

/** One screen line: segments whose text is already safe for a terminal. */
export type StyledLine = readonly Segment[];

/** A record is cut here on screen; the export and `search --format ndjson` keep it whole. */
const MAX_LINES = 5_000;

type Token = { readonly kind: 'punct' | 'string' | 'bare'; readonly text: string };

/**
 * The record's JSON text re-indented token by token, never parsed into values: numbers keep every
 * digit and strings their original escapes, which JSON.parse and JSON.stringify would not promise.
 * Every piece passes the terminal escape (safe-text.ts), so a record can not steer the terminal.
 */
export function prettyJsonLines(json: string): StyledLine[] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let indent = 0;
  let breakBefore = false;
  const emit = (text: string, kind: SegmentKind) => {
    if (breakBefore) {
      lines.push(line);
      line = indent > 0 ? [{ text: '  '.repeat(indent), kind: 'plain' }] : [];
      breakBefore = false;
    }
    line.push({ text: safe(text), kind });
  };
  const tokens = tokenize(json);
  for (let i = 0; i < tokens.length && lines.length < MAX_LINES; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.text === '{' || token.text === '[') {
      const close = token.text === '{' ? '}' : ']';
      if (next?.text === close) {
        emit(token.text + close, 'punct');
        i++;
      } else {
        emit(token.text, 'punct');
        indent++;
        breakBefore = true;
      }
    } else if (token.text === '}' || token.text === ']') {
      indent = Math.max(0, indent - 1);
      breakBefore = true;
      emit(token.text, 'punct');
    } else if (token.text === ',') {
      emit(',', 'punct');
      breakBefore = true;
    } else if (token.text === ':') {
      emit(': ', 'punct');
    } else if (token.kind === 'string') {
      emit(token.text, next?.text === ':' ? 'key' : 'string');
    } else {
      emit(token.text, /^-?\d/.test(token.text) ? 'number' : 'literal');
    }
  }
  lines.push(line);
  if (lines.length >= MAX_LINES)
    lines.push([{ text: `… cut at ${MAX_LINES} lines; export (x) has the whole record`, kind: 'plain' }]);
  return lines;
}

function safe(text: string): string {
  return escapeForTerminal(escapeJsonForTerminal(text));
}

function tokenize(json: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < json.length) {
    const char = json[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if ('{}[],:'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      i++;
    } else if (char === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: json.slice(i, end + 1) });
      i = end + 1;
    } else {
      let end = i + 1;
      while (end < json.length && !/[\s{}[\],:"]/.test(json[end]!)) end++;
      tokens.push({ kind: 'bare', text: json.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

/**
 * Lines longer than `width` columns continue on the next screen lines, indented two columns more
 * than the line they belong to, so long values stay readable instead of being cut.
 */
export function wrapStyledLines(lines: readonly StyledLine[], width: number): StyledLine[] {
  const out: StyledLine[] = [];
  const usable = Math.max(8, width);
  for (const line of lines) {
    // Continuations line up under the text: after a JSON line's indentation, or after a card label.
    const first = line[0];
    const lead =
      first?.kind === 'label'
        ? first.text.length - 2
        : /^ */.exec(first?.kind === 'plain' ? first.text : '')![0].length;
    const continuation = ' '.repeat(Math.min(lead + 2, Math.floor(usable / 2)));
    let current: Segment[] = [];
    let used = 0;
    for (const segment of line) {
      let text = '';
      for (const char of segment.text) {
        const w = displayWidth(char);
        if (used + w > usable) {
          if (text) current.push({ text, kind: segment.kind });
          out.push(current);
          current = [{ text: continuation, kind: 'plain' }];
          used = continuation.length;
          text = '';
        }
        text += char;
        used += w;
      }
      if (text) current.push({ text, kind: segment.kind });
    }
    out.push(current);
  }
  return out;
}
