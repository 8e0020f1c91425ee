/**
 * The search language's syntax: free text, "quoted phrases", field:value filters, `-` negation,
 * OR and parentheses; adjacent terms are ANDed. Parsing knows nothing of SQL: compile.ts does.
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
    readonly at: number,
    readonly length = 1,
  ) {
    super(reason);
  }
}

type Token =
  | { readonly type: 'open' | 'close' | 'or' | 'minus'; readonly at: number }
  | { readonly type: 'word'; readonly at: number; readonly field: string | null; readonly value: string; readonly length: number };

export function parseQuery(query: string): QueryNode {
  const parser = new Parser(tokenize(query));
  return parser.parseAll();
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): QueryNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.parseOr();
    const extra = this.tokens[this.position];
    if (extra) throw new QuerySyntaxError(extra.type === 'close' ? 'unmatched ")"' : 'unexpected token', extra.at);
    return node;
  }

  private parseOr(): QueryNode {
    const items = [this.parseAnd()];
    while (this.peek()?.type === 'or') {
      const or = this.next()!;
      if (!this.startsTerm()) throw new QuerySyntaxError('OR needs a term on both sides', or.at, 2);
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private parseAnd(): QueryNode {
    const items: QueryNode[] = [];
    while (this.startsTerm()) items.push(this.parseUnary());
    if (items.length === 0) {
      const token = this.peek();
      throw new QuerySyntaxError(token?.type === 'or' ? 'OR needs a term on both sides' : 'expected a search term', token?.at ?? 0);
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseUnary(): QueryNode {
    const token = this.next()!;
    if (token.type === 'minus') {
      if (!this.startsTerm()) throw new QuerySyntaxError('"-" must be followed by a term to exclude', token.at);
      return { kind: 'not', item: this.parseUnary() };
    }
    if (token.type === 'open') {
      if (this.peek()?.type === 'close') throw new QuerySyntaxError('empty parentheses', token.at, 2);
      const inner = this.parseOr();
      if (this.next()?.type !== 'close') throw new QuerySyntaxError('"(" is never closed', token.at);
      return inner;
    }
    if (token.type !== 'word') throw new QuerySyntaxError('expected a search term', token.at);
    return token.field === null
      ? { kind: 'text', value: token.value, at: token.at }
      : { kind: 'field', field: token.field, value: token.value, at: token.at };
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
      tokens.push({ type: 'minus', at: i++ });
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
  if (field && value === '') throw new QuerySyntaxError(`"${field[1]}:" needs a value`, start, field[0].length);
  const isOr = !field && query.slice(start, end) === 'OR';
  if (isOr) return { token: { type: 'or', at: start }, end };
  return { token: { type: 'word', at: start, field: field ? field[1]!.toLowerCase() : null, value, length: end - start }, end };
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
  throw new QuerySyntaxError('unclosed quote', start);
}

function readBare(query: string, start: number): { value: string; end: number } {
  let end = start;
  while (end < query.length && !/[\s()]/.test(query[end]!)) end++;
  return { value: query.slice(start, end), end };
}
