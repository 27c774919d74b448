import { describe, expect, it } from 'vitest';
import { parseSelector, propertySourceOf } from '../src/index.js';
import { evaluate, matches } from './helpers.js';

describe('literals', () => {
  it("JMS 2.0 §3.8.1.1 string literal: '' stands for one quote", () => {
    expect(matches("name = 'O''Brien'", { name: "O'Brien" })).toBe(true);
    expect(matches("name = 'O''Brien'", { name: "O''Brien" })).toBe(false);
    expect(matches("name = ''", { name: '' })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 exact numeric literals: integers, negative and long', () => {
    expect(matches('n = 10', { n: 10 })).toBe(true);
    expect(matches('n = -5', { n: -5 })).toBe(true);
    expect(matches('n = 9223372036854775807', { n: 9223372036854775807n })).toBe(true);
    expect(matches('n = -9223372036854775808', { n: -9223372036854775808n })).toBe(true);
    expect(matches('n = 10L', { n: 10 })).toBe(true);
    expect(matches('n = 0x1F', { n: 31 })).toBe(true);
    expect(matches('n = 010', { n: 10 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 approximate numeric literals: 1.5, 1e3, 7.0E-1, .5', () => {
    expect(matches('n = 1.5', { n: 1.5 })).toBe(true);
    expect(matches('n = 1e3', { n: 1000 })).toBe(true);
    expect(matches('n = 7.0E-1', { n: 0.7 })).toBe(true);
    expect(matches('n = .5', { n: 0.5 })).toBe(true);
    expect(matches('n = 2.5f', { n: 2.5 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 boolean literals TRUE and FALSE are case-insensitive', () => {
    expect(matches('flag = TRUE', { flag: true })).toBe(true);
    expect(matches('flag = true', { flag: true })).toBe(true);
    expect(matches('flag = False', { flag: false })).toBe(true);
    expect(matches('flag = FALSE', { flag: true })).toBe(false);
    expect(matches('TRUE')).toBe(true);
    expect(matches('FALSE')).toBe(false);
  });

  it('JMS 2.0 §3.8.1.1 keywords are case-insensitive, identifiers case-sensitive', () => {
    expect(matches("color = 'red' and not size between 1 AND 3", { color: 'red', size: 5 })).toBe(true);
    expect(matches("Color = 'red'", { color: 'red' })).toBe(false);
    expect(parseSelector('Color = 1 AND color = 2').identifiers).toEqual(new Set(['Color', 'color']));
  });

  it('JMS 2.0 §3.8.1.1 identifiers follow Java rules: $, _, digits after the first character, Unicode letters', () => {
    expect(matches('$price_2 > 1 AND _x = 1 AND größe = 3', { $price_2: 2, _x: 1, größe: 3 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 a boolean property alone is a condition', () => {
    expect(matches('urgent', { urgent: true })).toBe(true);
    expect(matches('urgent', { urgent: false })).toBe(false);
    expect(evaluate('urgent', {})).toBeNull();
    expect(evaluate('urgent', { urgent: 'yes' })).toBeNull();
  });

  it('a parenthesized condition compares with a boolean: (a > 1) = FALSE', () => {
    expect(evaluate('(a > 1) = FALSE', { a: 0 })).toBe(true);
    expect(evaluate('(a > 1) = FALSE', { a: 2 })).toBe(false);
    expect(evaluate('(a > 1) = FALSE', {})).toBeNull();
  });

  it('a parenthesized arithmetic expression is a value: (a + 1) * 2 = 6', () => {
    expect(matches('(a + 1) * 2 = 6', { a: 2 })).toBe(true);
    expect(matches('((a)) = 2', { a: 2 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1: an empty or blank selector matches every message', () => {
    for (const text of ['', '   ', '\t\n']) {
      const selector = parseSelector(text);
      expect(selector.matches(propertySourceOf({}))).toBe(true);
      expect(selector.identifiers.size).toBe(0);
      expect(selector.text).toBe(text);
    }
  });

  it('identifiers lists every referenced name once', () => {
    const selector = parseSelector("a > 1 AND (b LIKE 'x%' OR a IN ('1')) AND c IS NULL AND JMSPriority BETWEEN d AND 9");
    expect(selector.identifiers).toEqual(new Set(['a', 'b', 'c', 'JMSPriority', 'd']));
  });
});

describe('precedence', () => {
  it('JMS 2.0 §3.8.1.1 precedence: AND binds tighter than OR', () => {
    // a OR (b AND c)
    expect(matches('a = 1 OR a = 2 AND b = 3', { a: 1, b: 0 })).toBe(true);
    expect(matches('(a = 1 OR a = 2) AND b = 3', { a: 1, b: 0 })).toBe(false);
  });

  it('JMS 2.0 §3.8.1.1 precedence: NOT binds tighter than AND, looser than comparison', () => {
    // (NOT a = 1) AND b = 2
    expect(matches('NOT a = 1 AND b = 2', { a: 2, b: 2 })).toBe(true);
    expect(matches('NOT (a = 1 AND b = 2)', { a: 1, b: 3 })).toBe(true);
    expect(matches('NOT NOT a = 1', { a: 1 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 precedence: * and / before + and -, left to right', () => {
    expect(matches('a + b * c = 7', { a: 1, b: 2, c: 3 })).toBe(true);
    expect(matches('(a + b) * c = 9', { a: 1, b: 2, c: 3 })).toBe(true);
    expect(matches('a - b - c = -4', { a: 1, b: 2, c: 3 })).toBe(true);
    expect(matches('a / b * c = 12', { a: 8, b: 2, c: 3 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 unary minus and plus apply before multiplication', () => {
    expect(matches('-a * 2 = -6', { a: 3 })).toBe(true);
    expect(matches('- -a = 3', { a: 3 })).toBe(true);
    expect(matches('+a = 3', { a: 3 })).toBe(true);
    expect(matches('a - -1 = 4', { a: 3 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.1 arithmetic binds tighter than comparison and BETWEEN', () => {
    expect(matches('a + 1 > b * 2', { a: 4, b: 2 })).toBe(true);
    expect(matches('a * 2 BETWEEN b + 1 AND b + 3', { a: 2, b: 2 })).toBe(true);
  });
});
