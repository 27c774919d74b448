/**
 * Recursive-descent parser for the JMS 2.0 §3.8.1.1 selector grammar. Precedence, loosest first:
 * OR, AND, NOT, comparison / BETWEEN / IN / LIKE / IS NULL, `+ -`, `* /`, unary `+ -`.
 * Operand types that are certain at parse time (literals, arithmetic) are checked here so that
 * `'abc' > 3` or `a + 'x'` is rejected up front, as ActiveMQ does.
 */
import type { ArithmeticOperator, ComparisonOperator, ConditionNode, ValueNode } from './ast.js';
import { InvalidSelectorError } from './errors.js';
import { describe, quoteSource, tokenize, type Token } from './lexer.js';

/** What parse-time analysis knows about a value's type; `any` for identifiers. */
type StaticType = 'boolean' | 'numeric' | 'string' | 'any';

interface ParsedValue {
  readonly node: ValueNode;
  readonly type: StaticType;
  readonly start: number;
  readonly end: number;
}

/** A condition, or a bare value that the caller must accept as a condition or reject. */
interface ParsedCondition {
  readonly node: ConditionNode;
  readonly bare?: ParsedValue;
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>=']);

/** Result of parsing a non-empty selector. */
export interface ParseResult {
  readonly condition: ConditionNode;
  readonly identifiers: ReadonlySet<string>;
}

/** Parses selector text; `undefined` when the text is blank (match everything). */
export function parse(source: string): ParseResult | undefined {
  const tokens = tokenize(source);
  if (tokens.length === 1) return undefined;
  return new Parser(source, tokens).parseSelector();
}

class Parser {
  private index = 0;
  private readonly identifiers = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseSelector(): ParseResult {
    const condition = this.requireCondition(this.parseOr());
    const next = this.peek();
    if (next.kind !== 'end') {
      const expected = next.kind === ')' ? "end of input (this ')' has no matching '(')" : "'AND', 'OR' or end of input";
      this.fail(next, expected);
    }
    return { condition, identifiers: this.identifiers };
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.kind === 'keyword' && token.text === word;
  }

  private fail(token: Token, expected: string): never {
    throw new InvalidSelectorError(token.start, expected, describe(token, this.source));
  }

  private failAt(value: ParsedValue, expected: string): never {
    throw new InvalidSelectorError(value.start, expected, quoteSource(this.source.slice(value.start, value.end)));
  }

  /** Accepts a bare value as a condition only when it may be boolean at run time. */
  private requireCondition(parsed: ParsedCondition): ConditionNode {
    const bare = parsed.bare;
    if (bare && (bare.type === 'numeric' || bare.type === 'string')) {
      const after = this.tokens.find((t) => t.start >= bare.end) ?? this.tokens[this.tokens.length - 1]!;
      throw new InvalidSelectorError(
        after.start,
        `a comparison operator after ${quoteSource(this.source.slice(bare.start, bare.end))}`,
        describe(after, this.source),
      );
    }
    return parsed.node;
  }

  private parseOr(): ParsedCondition {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'OR')) {
      this.next();
      const right = this.parseAnd();
      left = { node: { type: 'or', left: this.requireCondition(left), right: this.requireCondition(right) } };
    }
    return left;
  }

  private parseAnd(): ParsedCondition {
    let left = this.parseNot();
    while (this.isKeyword(this.peek(), 'AND')) {
      this.next();
      const right = this.parseNot();
      left = { node: { type: 'and', left: this.requireCondition(left), right: this.requireCondition(right) } };
    }
    return left;
  }

  private parseNot(): ParsedCondition {
    if (this.isKeyword(this.peek(), 'NOT')) {
      this.next();
      const operand = this.requireCondition(this.parseNot());
      return { node: { type: 'not', operand } };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): ParsedCondition {
    const value = this.parseSum('a condition');
    let token = this.peek();
    if (token.kind === 'operator' && COMPARISON_OPERATORS.has(token.text)) {
      this.next();
      const operator = token.text as ComparisonOperator;
      const right = this.parseSum(`a value after '${operator}'`);
      if (operator !== '=' && operator !== '<>') {
        const why = `a numeric operand for '${operator}' (strings and booleans compare only with = and <>)`;
        if (value.type === 'string' || value.type === 'boolean') this.failAt(value, why);
        if (right.type === 'string' || right.type === 'boolean') this.failAt(right, why);
      }
      return { node: { type: 'compare', operator, left: value.node, right: right.node } };
    }
    let negated = false;
    if (this.isKeyword(token, 'NOT')) {
      this.next();
      negated = true;
      token = this.peek();
      if (!(token.kind === 'keyword' && (token.text === 'BETWEEN' || token.text === 'IN' || token.text === 'LIKE'))) {
        this.fail(token, "'BETWEEN', 'IN' or 'LIKE' after 'NOT'");
      }
    }
    if (this.isKeyword(token, 'BETWEEN')) {
      this.next();
      const why = 'a numeric operand for BETWEEN';
      if (value.type === 'string' || value.type === 'boolean') this.failAt(value, why);
      const low = this.parseSum("a lower bound after 'BETWEEN'");
      if (low.type === 'string' || low.type === 'boolean') this.failAt(low, why);
      const and = this.next();
      if (!this.isKeyword(and, 'AND')) this.fail(and, "'AND' between the BETWEEN bounds");
      const high = this.parseSum("an upper bound after 'AND'");
      if (high.type === 'string' || high.type === 'boolean') this.failAt(high, why);
      return { node: { type: 'between', negated, value: value.node, low: low.node, high: high.node } };
    }
    if (this.isKeyword(token, 'IN')) {
      this.next();
      this.requireStringSubject(value, 'IN');
      const open = this.next();
      if (open.kind !== '(') this.fail(open, "'(' after 'IN'");
      const list: string[] = [];
      for (;;) {
        const item = this.next();
        if (item.kind !== 'string') this.fail(item, 'a string literal in the IN list');
        list.push(item.text);
        const separator = this.next();
        if (separator.kind === ')') break;
        if (separator.kind !== ',') this.fail(separator, `',' or ')' in the IN list that starts at position ${open.start}`);
      }
      return { node: { type: 'in', negated, value: value.node, list } };
    }
    if (this.isKeyword(token, 'LIKE')) {
      this.next();
      this.requireStringSubject(value, 'LIKE');
      const pattern = this.next();
      if (pattern.kind !== 'string') this.fail(pattern, "a string literal pattern after 'LIKE'");
      let escape: string | undefined;
      if (this.isKeyword(this.peek(), 'ESCAPE')) {
        this.next();
        const escapeToken = this.next();
        if (escapeToken.kind !== 'string' || escapeToken.text.length !== 1) {
          this.fail(escapeToken, "a one-character string literal after 'ESCAPE'");
        }
        escape = escapeToken.text;
        const dangling = danglingEscape(pattern.text, escape);
        if (dangling >= 0) {
          throw new InvalidSelectorError(
            pattern.start,
            `a character after the escape character '${escape}' in the LIKE pattern`,
            'the end of the pattern',
          );
        }
      }
      return { node: { type: 'like', negated, value: value.node, pattern: pattern.text, escape } };
    }
    if (this.isKeyword(token, 'IS')) {
      this.next();
      let isNegated = false;
      if (this.isKeyword(this.peek(), 'NOT')) {
        this.next();
        isNegated = true;
      }
      const nullToken = this.next();
      if (!this.isKeyword(nullToken, 'NULL')) this.fail(nullToken, isNegated ? "'NULL' after 'IS NOT'" : "'NULL' or 'NOT NULL' after 'IS'");
      return { node: { type: 'isNull', negated: isNegated, value: value.node } };
    }
    if (value.node.type === 'condition') return { node: value.node.condition };
    return { node: { type: 'truth', value: value.node }, bare: value };
  }

  private requireStringSubject(value: ParsedValue, keyword: string): void {
    if (value.type === 'numeric' || value.type === 'boolean') this.failAt(value, `a string value before '${keyword}'`);
  }

  private parseSum(expected: string): ParsedValue {
    let left = this.parseProduct(expected);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || (token.text !== '+' && token.text !== '-')) return left;
      this.next();
      const right = this.parseProduct(`a value after '${token.text}'`);
      left = this.arithmetic(token.text, left, right);
    }
  }

  private parseProduct(expected: string): ParsedValue {
    let left = this.parseUnary(expected);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || (token.text !== '*' && token.text !== '/')) return left;
      this.next();
      const right = this.parseUnary(`a value after '${token.text}'`);
      left = this.arithmetic(token.text, left, right);
    }
  }

  private arithmetic(operator: ArithmeticOperator, left: ParsedValue, right: ParsedValue): ParsedValue {
    const why = `a numeric operand for '${operator}'`;
    if (left.type === 'string' || left.type === 'boolean') this.failAt(left, why);
    if (right.type === 'string' || right.type === 'boolean') this.failAt(right, why);
    return {
      node: { type: 'arithmetic', operator, left: left.node, right: right.node },
      type: 'numeric',
      start: left.start,
      end: right.end,
    };
  }

  private parseUnary(expected: string): ParsedValue {
    const token = this.peek();
    if (token.kind === 'operator' && (token.text === '+' || token.text === '-')) {
      this.next();
      const operand = this.parseUnary(`a value after unary '${token.text}'`);
      if (operand.type === 'string' || operand.type === 'boolean') this.failAt(operand, `a numeric operand for unary '${token.text}'`);
      const node = operand.node;
      let folded: ValueNode;
      if (token.text === '+') folded = node;
      else if (node.type === 'literal' && (typeof node.value === 'number' || typeof node.value === 'bigint')) {
        folded = { type: 'literal', value: negateLiteral(node.value) };
      } else folded = { type: 'negate', operand: node };
      return { node: folded, type: 'numeric', start: token.start, end: operand.end };
    }
    return this.parsePrimary(expected);
  }

  private parsePrimary(expected: string): ParsedValue {
    const token = this.peek();
    const at = { start: token.start, end: token.end };
    switch (token.kind) {
      case 'exact':
      case 'approximate':
        this.next();
        return { node: { type: 'literal', value: token.number! }, type: 'numeric', ...at };
      case 'string':
        this.next();
        return { node: { type: 'literal', value: token.text }, type: 'string', ...at };
      case 'identifier':
        this.next();
        this.identifiers.add(token.text);
        return { node: { type: 'identifier', name: token.text }, type: 'any', ...at };
      case 'keyword':
        if (token.text === 'TRUE' || token.text === 'FALSE') {
          this.next();
          return { node: { type: 'literal', value: token.text === 'TRUE' }, type: 'boolean', ...at };
        }
        if (token.text === 'NULL') this.fail(token, `${expected} (NULL can only be tested with IS NULL or IS NOT NULL)`);
        return this.fail(token, expected);
      case '(': {
        this.next();
        const inner = this.parseOr();
        const close = this.next();
        if (close.kind !== ')') this.fail(close, `')' to close the '(' at position ${token.start}`);
        if (inner.bare) return { ...inner.bare, start: token.start, end: close.end };
        return { node: { type: 'condition', condition: inner.node }, type: 'boolean', start: token.start, end: close.end };
      }
      default:
        return this.fail(token, expected);
    }
  }
}

function negateLiteral(value: number | bigint): number | bigint {
  if (typeof value === 'number') return -value;
  const negated = -value;
  // -9223372036854775808 arrives as the bigint 9223372036854775808; its negation may now fit a double.
  return negated >= BigInt(Number.MIN_SAFE_INTEGER) && negated <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(negated) : negated;
}

/** Index of an escape character with nothing after it, or -1. */
function danglingEscape(pattern: string, escape: string): number {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === escape) {
      if (i === pattern.length - 1) return i;
      i++;
    }
  }
  return -1;
}
