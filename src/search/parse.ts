/**
 * The search language's syntax: free text, "quoted phrases", field:value filters, `-` or `NOT`
 * negation, `OR` and parentheses; adjacent terms are ANDed, and an upper-case `AND` between them
 * says so explicitly (as in Lucene, Splunk and KQL). Parsing knows nothing of SQL: compile.ts does.
 *
 * The tree has no node kinds for `AND` and `NOT`: they parse to `and` and `not`, the same nodes as
 * adjacent terms and `-`, so everything that reads the tree (compile.ts, SQL dialects) sees one shape.
 */

export type QueryNode =
  | { readonly kind: 'all' }
  | { readonly kind: 'text'; readonly value: string; readonly at: number }
  | { readonly kind: 'field'; readonly field: string; readonly value: string; readonly at: number }
  | { readonly kind: 'not'; readonly item: QueryNode }
  | { readonly kind: 'and'; readonly items: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly items: readonly QueryNode[] };

/** A mistake in the query, with the character offset of the token it is about. */
export class QuerySyntaxError extends Error {
  constructor(
    readonly reason: string,
    /** How to fix it, for the help line; the caret shows where. */
    readonly help: string,
    readonly at: number,
    readonly length = 1,
  ) {
    super(reason);
  }
}

/**
 * How deep parentheses and negations may nest. Each level is a few stack frames here and a few
 * levels of SQLite's expression tree (at most 1,000 deep); no hand-written query comes near it.
 */
export const MAX_NESTING = 100;

const OR_HELP = 'put a term on each side of OR, or write "OR" in quotes to search for the word';
const TERM_HELP = 'put a term here, or write the text in quotes to search for it';

type Token =
  | { readonly type: 'open' | 'close' | 'or' | 'and'; readonly at: number }
  | { readonly type: 'minus'; readonly at: number; readonly text: '-' | 'NOT' }
  | {
      readonly type: 'word';
      readonly at: number;
      readonly field: string | null;
      readonly value: string;
      readonly length: number;
    };

export function parseQuery(query: string): QueryNode {
  const parser = new Parser(tokenize(query));
  return parser.parseAll();
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): QueryNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.parseOr();
    const extra = this.tokens[this.position];
    if (extra?.type === 'close')
      throw new QuerySyntaxError('unmatched ")"', 'remove it, or add the "(" it closes', extra.at);
    if (extra)
      throw new QuerySyntaxError(
        'unexpected token',
        'remove it, or put it in quotes to search for it as text',
        extra.at,
      );
    return node;
  }

  private parseOr(): QueryNode {
    const items = [this.parseAnd()];
    while (this.peek()?.type === 'or') {
      const or = this.next()!;
      if (!this.startsTerm()) throw new QuerySyntaxError('OR needs a term on both sides', OR_HELP, or.at, 2);
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private parseAnd(): QueryNode {
    const items: QueryNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token?.type === 'and') {
        this.next();
        if (items.length === 0 || !this.startsTerm())
          throw new QuerySyntaxError(
            'AND needs a term on both sides',
            'put a term on each side of AND, or write "AND" in quotes to search for the word',
            token.at,
            3,
          );
      } else if (this.startsTerm()) {
        items.push(this.parseUnary());
      } else {
        break;
      }
    }
    if (items.length === 0) {
      const token = this.peek();
      throw token?.type === 'or'
        ? new QuerySyntaxError('OR needs a term on both sides', OR_HELP, token.at, 2)
        : new QuerySyntaxError('expected a search term', TERM_HELP, token?.at ?? 0);
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseUnary(): QueryNode {
    const token = this.next()!;
    if (token.type === 'minus') {
      if (!this.startsTerm())
        throw new QuerySyntaxError(
          `"${token.text}" must be followed by a term to exclude`,
          `put the term to exclude right after it, or write "${token.text}" in quotes to search for it`,
          token.at,
          token.text.length,
        );
      return { kind: 'not', item: this.nested(token, () => this.parseUnary()) };
    }
    if (token.type === 'open') {
      if (this.peek()?.type === 'close')
        throw new QuerySyntaxError('empty parentheses', 'put a term inside them, or remove them', token.at, 2);
      const inner = this.nested(token, () => this.parseOr());
      if (this.next()?.type !== 'close')
        throw new QuerySyntaxError(
          '"(" is never closed',
          'add the ")" that closes it, or write "(" in quotes to search for it',
          token.at,
        );
      return inner;
    }
    if (token.type !== 'word') throw new QuerySyntaxError('expected a search term', TERM_HELP, token.at);
    return token.field === null
      ? { kind: 'text', value: token.value, at: token.at }
      : { kind: 'field', field: token.field, value: token.value, at: token.at };
  }

  private nested(token: Token, parse: () => QueryNode): QueryNode {
    if (++this.depth > MAX_NESTING) {
      throw new QuerySyntaxError(
        `parentheses and negations nest more than ${MAX_NESTING} levels deep; ` +
          `simplify the query (the limit is ${MAX_NESTING})`,
        'drop parentheses around single terms, and list alternatives flat: a OR b OR c',
        token.at,
      );
    }
    const node = parse();
    this.depth--;
    return node;
  }

  private startsTerm(): boolean {
    const type = this.peek()?.type;
    return type === 'word' || type === 'open' || type === 'minus';
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }
}

const FIELD_NAME = /^([A-Za-z_][A-Za-z0-9_]*):/;

/** Operators are upper case only, as in Lucene: a lower-case `or` is a word someone may search for. */
const OPERATORS: Record<string, 'or' | 'and' | 'minus'> = { OR: 'or', AND: 'and', NOT: 'minus' };

/** A lower-case operator word searched as a word where it stands between terms, and how to mean the operator. */
export interface OperatorHint {
  readonly word: string;
  readonly at: number;
  readonly message: string;
}

/**
 * Lower-case `and`, `or` and `not` standing between two terms (or `not` before one): valid words,
 * but far more often a Splunk or SQL habit, so the caller says how they were read.
 */
export function lowerCaseOperatorHints(query: string): OperatorHint[] {
  let tokens: Token[];
  try {
    tokens = tokenize(query);
  } catch {
    return []; // the parse that follows reports the syntax error itself
  }
  const hints: OperatorHint[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== 'word' || token.field !== null || token.length !== token.value.length) return;
    const word = token.value;
    const upper = word.toUpperCase();
    if (!(upper in OPERATORS) || word === upper) return;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    const termAfter = after !== undefined && (after.type === 'word' || after.type === 'open' || after.type === 'minus');
    const termBefore = before !== undefined && (before.type === 'word' || before.type === 'close');
    if (!termAfter || (upper !== 'NOT' && !termBefore)) return;
    hints.push({
      word,
      at: token.at,
      message: `"${word}" was searched as a word; write ${upper} (upper case) to use it as an operator`,
    });
  });
  return hints;
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close', at: i++ });
    } else if (char === '-' && i + 1 < query.length && !/[\s)]/.test(query[i + 1]!)) {
      tokens.push({ type: 'minus', at: i++, text: '-' });
    } else {
      const word = readWord(query, i);
      tokens.push(word.token);
      i = word.end;
    }
  }
  return tokens;
}

function readWord(query: string, start: number): { token: Token; end: number } {
  const field = FIELD_NAME.exec(query.slice(start, start + 64));
  const valueStart = field ? start + field[0].length : start;
  const { value, end } = query[valueStart] === '"' ? readQuoted(query, valueStart) : readBare(query, valueStart);
  if (field && value === '')
    throw new QuerySyntaxError(
      `"${field[1]}:" needs a value`,
      `put the value right after the colon, without a space: ${field[1]}:VALUE`,
      start,
      field[0].length,
    );
  const operator = !field && query[start] !== '"' ? OPERATORS[query.slice(start, end)] : undefined;
  if (operator === 'minus') return { token: { type: 'minus', at: start, text: 'NOT' }, end };
  if (operator) return { token: { type: operator, at: start }, end };
  return {
    token: { type: 'word', at: start, field: field ? field[1]!.toLowerCase() : null, value, length: end - start },
    end,
  };
}

function readQuoted(query: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < query.length; i++) {
    const char = query[i]!;
    if (char === '\\' && (query[i + 1] === '"' || query[i + 1] === '\\')) {
      value += query[++i];
    } else if (char === '"') {
      return { value, end: i + 1 };
    } else {
      value += char;
    }
  }
  throw new QuerySyntaxError('unclosed quote', 'add the closing quote; write \\" for a quote inside a phrase', start);
}

function readBare(query: string, start: number): { value: string; end: number } {
  let end = start;
  while (end < query.length && !/[\s()]/.test(query[end]!)) end++;
  return { value: query.slice(start, end), end };
}
