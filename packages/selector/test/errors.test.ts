import { describe, expect, it } from 'vitest';
import { InvalidSelectorError, parseSelector } from '../src/index.js';

function parseError(text: string): InvalidSelectorError {
  try {
    parseSelector(text);
  } catch (error) {
    if (error instanceof InvalidSelectorError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('JMS 2.0 §3.8.1.1 invalid selectors are rejected at parse time with position and expectation', () => {
  const cases: { title: string; text: string; position: number; expected: string; found: string }[] = [
    { title: 'unterminated string literal', text: "name = 'abc", position: 11, expected: 'a closing quote for the string literal that starts at position 7', found: 'end of input' },
    { title: 'missing right operand', text: 'a =', position: 3, expected: "a value after '='", found: 'end of input' },
    { title: 'missing condition after AND', text: 'a = 1 AND', position: 9, expected: 'a condition', found: 'end of input' },
    { title: 'selector starting with an operator keyword', text: 'AND a = 1', position: 0, expected: 'a condition', found: "'AND'" },
    { title: 'unknown character', text: 'a # 1', position: 2, expected: 'an identifier, a literal, an operator or a parenthesis', found: "'#'" },
    { title: "Java's != instead of <>", text: 'a != 1', position: 2, expected: "an identifier, a literal, an operator or a parenthesis ('<>' is the not-equal operator)", found: "'!'" },
    { title: 'unclosed parenthesis', text: '(a = 1', position: 6, expected: "')' to close the '(' at position 0", found: 'end of input' },
    { title: 'unmatched closing parenthesis', text: 'a = 1)', position: 5, expected: "end of input (this ')' has no matching '(')", found: "')'" },
    { title: 'IN with a numeric literal', text: 'a IN (1, 2)', position: 6, expected: 'a string literal in the IN list', found: "'1'" },
    { title: 'IN list without a comma', text: "a IN ('x' 'y')", position: 10, expected: "',' or ')' in the IN list that starts at position 5", found: "'y'" },
    { title: 'IN without parentheses', text: "a IN 'x'", position: 5, expected: "'(' after 'IN'", found: "'x'" },
    { title: 'ESCAPE with more than one character', text: "a LIKE 'x' ESCAPE 'ab'", position: 18, expected: "a one-character string literal after 'ESCAPE'", found: "'ab'" },
    { title: 'pattern ending in the escape character', text: "a LIKE 'x!' ESCAPE '!'", position: 7, expected: "a character after the escape character '!' in the LIKE pattern", found: 'the end of the pattern' },
    { title: 'LIKE with an identifier as pattern', text: 'a LIKE b', position: 7, expected: "a string literal pattern after 'LIKE'", found: "'b'" },
    { title: 'BETWEEN without AND', text: 'a BETWEEN 1 OR 2', position: 12, expected: "'AND' between the BETWEEN bounds", found: "'OR'" },
    { title: 'IS followed by a value', text: 'a IS 1', position: 5, expected: "'NULL' or 'NOT NULL' after 'IS'", found: "'1'" },
    { title: 'NOT followed by a comparison operator', text: 'a NOT = 1', position: 6, expected: "'BETWEEN', 'IN' or 'LIKE' after 'NOT'", found: "'='" },
    { title: 'an arithmetic expression is not a condition', text: 'a + 1', position: 5, expected: "a comparison operator after 'a + 1'", found: 'end of input' },
    { title: 'ordering a string literal', text: "'abc' > 1", position: 0, expected: "a numeric operand for '>' (strings and booleans compare only with = and <>)", found: "'abc'" },
    { title: 'comparison with the NULL literal', text: 'a = NULL', position: 4, expected: "a value after '=' (NULL can only be tested with IS NULL or IS NOT NULL)", found: "'NULL'" },
    { title: 'arithmetic on a string literal', text: "a + 'x' = 1", position: 4, expected: "a numeric operand for '+'", found: "'x'" },
    { title: 'two values without an operator', text: 'x = 1 2', position: 6, expected: "'AND', 'OR' or end of input", found: "'2'" },
    { title: 'chained comparison', text: 'a = 1 = 2', position: 6, expected: "'AND', 'OR' or end of input", found: "'='" },
    { title: 'hex literal without digits', text: 'a = 0x', position: 6, expected: 'hexadecimal digits after 0x', found: 'end of input' },
    { title: 'exponent without digits', text: 'a = 1e+', position: 7, expected: 'digits in the exponent', found: 'end of input' },
    { title: 'numeric literal before IN', text: "5 IN ('5')", position: 0, expected: "a string value before 'IN'", found: "'5'" },
    { title: 'keyword used as an identifier', text: 'escape = 1', position: 0, expected: 'a condition', found: "'escape'" },
  ];

  for (const c of cases) {
    it(`${c.title}: ${JSON.stringify(c.text)}`, () => {
      const error = parseError(c.text);
      expect(error.code).toBe('INVALID_SELECTOR');
      expect(error.position).toBe(c.position);
      expect(error.expected).toBe(c.expected);
      expect(error.found).toBe(c.found);
      expect(error.message).toBe(`selector error at position ${c.position}: expected ${c.expected} but found ${c.found}`);
    });
  }

  it('InvalidSelectorError is an Error with a stable name', () => {
    const error = parseError('a =');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidSelectorError');
  });
});
