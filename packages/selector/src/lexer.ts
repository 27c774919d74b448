/**
 * Splits selector text into tokens. Runs once per selector at parse time, so clarity wins over
 * speed here; positions are kept so every error can point at the offending character.
 */
import { InvalidSelectorError } from './errors.js';
import { integerFromDigits } from './values.js';

/** Words reserved by JMS 2.0 §3.8.1.1; matched case-insensitively, never identifiers. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'NOT', 'AND', 'OR', 'BETWEEN', 'LIKE', 'IN', 'IS', 'ESCAPE', 'NULL', 'TRUE', 'FALSE',
]);

export type TokenKind = 'identifier' | 'keyword' | 'string' | 'exact' | 'approximate' | 'operator' | '(' | ')' | ',' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Keywords upper-cased; identifiers and operators as written; string literals unescaped. */
  readonly text: string;
  /** Value of numeric literals. */
  readonly number?: number | bigint;
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

/** How a token is named in error messages. */
export function describe(token: Token, source: string): string {
  if (token.kind === 'end') return 'end of input';
  return quoteSource(source.slice(token.start, token.end));
}

/** Quotes a piece of selector text for an error message; string literals already carry quotes. */
export function quoteSource(text: string): string {
  return text.startsWith("'") ? text : `'${text}'`;
}

const ID_START = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;
const ID_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\p{Sc}]/u;

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
}

/** Tokenizes the whole text; the last token is always `end`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      const token = readString(source, start);
      tokens.push(token);
      i = token.end;
    } else if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      const token = readNumber(source, start);
      tokens.push(token);
      i = token.end;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, start, end: i + 1 });
      i++;
    } else if (c === '<') {
      const next = source[i + 1];
      const len = next === '=' || next === '>' ? 2 : 1;
      tokens.push({ kind: 'operator', text: source.slice(i, i + len), start, end: i + len });
      i += len;
    } else if (c === '>') {
      const len = source[i + 1] === '=' ? 2 : 1;
      tokens.push({ kind: 'operator', text: source.slice(i, i + len), start, end: i + len });
      i += len;
    } else if (c === '=' || c === '+' || c === '-' || c === '*' || c === '/') {
      tokens.push({ kind: 'operator', text: c, start, end: i + 1 });
      i++;
    } else if (ID_START.test(c)) {
      i++;
      while (i < n && ID_PART.test(source[i]!)) i++;
      const word = source.slice(start, i);
      const upper = word.toUpperCase();
      if (KEYWORDS.has(upper)) tokens.push({ kind: 'keyword', text: upper, start, end: i });
      else tokens.push({ kind: 'identifier', text: word, start, end: i });
    } else {
      const hint = c === '!' && source[i + 1] === '=' ? " ('<>' is the not-equal operator)" : '';
      throw new InvalidSelectorError(
        start,
        `an identifier, a literal, an operator or a parenthesis${hint}`,
        `'${c}'`,
      );
    }
  }
  tokens.push({ kind: 'end', text: '', start: n, end: n });
  return tokens;
}

function readString(source: string, start: number): Token {
  // SQL string literal: a doubled quote stands for one quote.
  let value = '';
  let i = start + 1;
  let chunk = i;
  for (;;) {
    const q = source.indexOf("'", i);
    if (q < 0) {
      throw new InvalidSelectorError(
        source.length,
        `a closing quote for the string literal that starts at position ${start}`,
        'end of input',
      );
    }
    if (source[q + 1] === "'") {
      value += source.slice(chunk, q + 1);
      i = q + 2;
      chunk = i;
      continue;
    }
    value += source.slice(chunk, q);
    return { kind: 'string', text: value, start, end: q + 1 };
  }
}

function readNumber(source: string, start: number): Token {
  const n = source.length;
  let i = start;
  if (source[i] === '0' && (source[i + 1] === 'x' || source[i + 1] === 'X')) {
    i += 2;
    const digitsStart = i;
    while (i < n && isHexDigit(source[i]!)) i++;
    if (i === digitsStart) {
      throw new InvalidSelectorError(i, 'hexadecimal digits after 0x', describeChar(source, i));
    }
    const big = BigInt(source.slice(start, i));
    if (source[i] === 'l' || source[i] === 'L') i++;
    const value = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    return { kind: 'exact', text: source.slice(start, i), number: value, start, end: i };
  }
  while (i < n && isDigit(source[i]!)) i++;
  let approximate = false;
  if (source[i] === '.') {
    approximate = true;
    i++;
    while (i < n && isDigit(source[i]!)) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    approximate = true;
    i++;
    if (source[i] === '+' || source[i] === '-') i++;
    const expStart = i;
    while (i < n && isDigit(source[i]!)) i++;
    if (i === expStart) throw new InvalidSelectorError(i, 'digits in the exponent', describeChar(source, i));
  }
  const literal = source.slice(start, i);
  const suffix = source[i];
  if (!approximate && (suffix === 'l' || suffix === 'L')) {
    return { kind: 'exact', text: literal, number: integerFromDigits(literal), start, end: i + 1 };
  }
  if (suffix === 'f' || suffix === 'F' || suffix === 'd' || suffix === 'D') {
    return { kind: 'approximate', text: literal, number: Number(literal), start, end: i + 1 };
  }
  if (approximate) return { kind: 'approximate', text: literal, number: Number(literal), start, end: i };
  return { kind: 'exact', text: literal, number: integerFromDigits(literal), start, end: i };
}

function describeChar(source: string, i: number): string {
  return i >= source.length ? 'end of input' : `'${source[i]}'`;
}
