import { describe, expect, it } from 'vitest';
import { parseSelector, UntypedString, type PropertySource } from '../src/index.js';
import { evaluate, matches } from './helpers.js';

describe('JMS 2.0 §3.8.1.2 type rules', () => {
  it('comparing a string with a number is UNKNOWN, never an error', () => {
    expect(evaluate('n = 1', { n: '1' })).toBeNull();
    expect(evaluate('n > 1', { n: '2' })).toBeNull();
    expect(evaluate("n = '1'", { n: 1 })).toBeNull();
    expect(evaluate("NOT n = '1'", { n: 1 })).toBeNull();
  });

  it('comparing a boolean with a number or a string is UNKNOWN', () => {
    expect(evaluate('b = 1', { b: true })).toBeNull();
    expect(evaluate("b = 'true'", { b: true })).toBeNull();
    expect(evaluate('b = TRUE', { b: 'true' })).toBeNull();
  });

  it('a typed string property that reads as a number still does not compare numerically', () => {
    expect(matches('weight > 10', { weight: '12' })).toBe(false);
  });

  it('NaN compares unequal to everything', () => {
    expect(evaluate('x = x', { x: NaN })).toBe(false);
    expect(evaluate('x <> 1', { x: NaN })).toBe(true);
    expect(evaluate('x > 1', { x: Infinity })).toBe(true);
  });
});

describe('bigint (Java long) precision', () => {
  const big = 2n ** 60n;

  it('two longs beyond 2^53 that differ by one are not equal', () => {
    expect(evaluate('a = b', { a: big, b: big + 1n })).toBe(false);
    expect(evaluate('a < b', { a: big, b: big + 1n })).toBe(true);
  });

  it('a long literal beyond 2^53 compares exactly with a long property', () => {
    expect(matches('id = 1152921504606846977', { id: big + 1n })).toBe(true);
    expect(matches('id = 1152921504606846976', { id: big + 1n })).toBe(false);
    expect(matches('id > 1152921504606846976', { id: big + 1n })).toBe(true);
  });

  it('long arithmetic with integers stays exact', () => {
    expect(matches('id + 1 = 1152921504606846977', { id: big })).toBe(true);
    expect(matches('id - 1 = 1152921504606846975', { id: big })).toBe(true);
    expect(matches('id * 2 = 2305843009213693952', { id: big })).toBe(true);
  });

  it('long division truncates toward zero as in Java', () => {
    expect(matches('a / 2 = 3', { a: 7n })).toBe(true);
    expect(matches('a / 2 = -3', { a: -7n })).toBe(true);
  });

  it('a long meeting a double is compared numerically', () => {
    expect(matches('a < 7.5 AND a > 6.5 AND a * 0.5 = 3.5', { a: 7n })).toBe(true);
  });
});

describe('ActiveMQ convert_string_expressions on untyped strings', () => {
  const untyped = (values: Record<string, string | number | boolean>): PropertySource => ({
    get: (name) => {
      const v = values[name];
      return typeof v === 'string' ? new UntypedString(v) : v;
    },
  });
  const check = (selector: string, values: Record<string, string | number | boolean>) =>
    parseSelector(selector).evaluate(untyped(values));

  it("weight > 10 matches the untyped header weight:12", () => {
    expect(check('weight > 10', { weight: '12' })).toBe(true);
    expect(check('weight > 10', { weight: '9' })).toBe(false);
    expect(check('weight = 12.0', { weight: '12' })).toBe(true);
    expect(check('10 < weight', { weight: '12' })).toBe(true);
  });

  it('an untyped string in arithmetic and BETWEEN reads as a number', () => {
    expect(check('weight * 2 = 24', { weight: '12' })).toBe(true);
    expect(check('weight BETWEEN 10 AND 20', { weight: '12.5' })).toBe(true);
    expect(check('-weight = -12', { weight: '12' })).toBe(true);
    expect(check('weight BETWEEN low AND high', { weight: '12', low: '9', high: '100' })).toBe(true);
    expect(check('weight NOT BETWEEN low AND high', { weight: '12', low: '9', high: '100' })).toBe(false);
    expect(check('weight BETWEEN 1 AND 20', { weight: 'heavy' })).toBeNull();
  });

  it('an untyped string compared with a typed number uses the number', () => {
    expect(check('weight > limit', { weight: '12', limit: 10 })).toBe(true);
  });

  it('an untyped string that does not read as a number is UNKNOWN against a number', () => {
    expect(check('weight > 10', { weight: 'heavy' })).toBeNull();
    expect(check('weight > 10', { weight: '' })).toBeNull();
    expect(check('weight > 10', { weight: ' 12' })).toBeNull();
  });

  it('an untyped string meets a boolean as true/false', () => {
    expect(check('rush = TRUE', { rush: 'true' })).toBe(true);
    expect(check('rush = FALSE', { rush: 'TRUE' })).toBe(false);
    expect(check('rush', { rush: 'true' })).toBe(true);
    expect(check('rush = TRUE', { rush: 'yes' })).toBeNull();
  });

  it('an untyped string keeps string rules against strings, LIKE and IN', () => {
    expect(check("code = '007'", { code: '007' })).toBe(true);
    expect(check("code = '7'", { code: '007' })).toBe(false);
    expect(check("code LIKE '00%'", { code: '007' })).toBe(true);
    expect(check("code IN ('007')", { code: '007' })).toBe(true);
    expect(check('a = b', { a: '1.0', b: '1' })).toBe(false);
  });

  it('two untyped strings do not order numerically (no numeric operand)', () => {
    expect(check('a > b', { a: '12', b: '9' })).toBeNull();
  });

  it('an untyped integer beyond 2^53 compares exactly', () => {
    expect(check('id = 1152921504606846977', { id: '1152921504606846977' })).toBe(true);
    expect(check('id = 1152921504606846976', { id: '1152921504606846977' })).toBe(false);
  });
});
