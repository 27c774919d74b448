import { describe, expect, it } from 'vitest';
import { evaluate, matches } from './helpers.js';

describe('comparison operators', () => {
  it('JMS 2.0 §3.8.1.2 numeric comparison: = <> > >= < <=', () => {
    const p = { n: 5 };
    expect(['n = 5', 'n <> 4', 'n > 4', 'n >= 5', 'n < 6', 'n <= 5'].map((s) => matches(s, p))).toEqual([true, true, true, true, true, true]);
    expect(['n = 4', 'n <> 5', 'n > 5', 'n >= 6', 'n < 5', 'n <= 4'].map((s) => matches(s, p))).toEqual([false, false, false, false, false, false]);
  });

  it('JMS 2.0 §3.8.1.2 string equality is exact character equality', () => {
    expect(matches("s = 'abc'", { s: 'abc' })).toBe(true);
    expect(matches("s = 'ABC'", { s: 'abc' })).toBe(false);
    expect(matches("s <> 'ABC'", { s: 'abc' })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.2 strings and booleans only compare with = and <>: ordering two properties is UNKNOWN', () => {
    expect(evaluate('a < b', { a: 'a', b: 'b' })).toBeNull();
    expect(evaluate('a > b', { a: true, b: false })).toBeNull();
    expect(evaluate('a = b', { a: true, b: true })).toBe(true);
    expect(evaluate('a <> b', { a: true, b: false })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.2 comparing exact and approximate numerics is numeric', () => {
    expect(matches('n = 2.0', { n: 2 })).toBe(true);
    expect(matches('n < 2.5', { n: 2 })).toBe(true);
    expect(matches('n > 2', { n: 2.25 })).toBe(true);
    expect(matches('n = 3', { n: 3n })).toBe(true);
    expect(matches('n < 3.5', { n: 3n })).toBe(true);
  });
});

describe('BETWEEN', () => {
  it('JMS 2.0 §3.8.1.2 BETWEEN is inclusive at both ends', () => {
    expect([14, 15, 17, 19, 20].map((age) => matches('age BETWEEN 15 AND 19', { age }))).toEqual([false, true, true, true, false]);
  });

  it('JMS 2.0 §3.8.1.2 NOT BETWEEN is the complement for known values', () => {
    expect([14, 15, 19, 20].map((age) => matches('age NOT BETWEEN 15 AND 19', { age }))).toEqual([true, false, false, true]);
  });

  it('JMS 2.0 §3.8.1.2 BETWEEN with a NULL operand is UNKNOWN, and so is NOT BETWEEN', () => {
    expect(evaluate('age BETWEEN 15 AND 19', {})).toBeNull();
    expect(evaluate('age NOT BETWEEN 15 AND 19', {})).toBeNull();
    // b <= a AND a <= c: one FALSE side makes the whole FALSE even when the other side is UNKNOWN.
    expect(evaluate('age BETWEEN low AND 19', { age: 25 })).toBe(false);
    expect(evaluate('age NOT BETWEEN low AND 19', { age: 25 })).toBe(true);
    expect(evaluate('age BETWEEN low AND 19', { age: 16 })).toBeNull();
  });

  it('JMS 2.0 §3.8.1.2 BETWEEN bounds may be arithmetic expressions and identifiers', () => {
    expect(matches('x BETWEEN lo - 1 AND hi * 2', { x: 10, lo: 3, hi: 5 })).toBe(true);
    expect(matches('x BETWEEN -5 AND -1', { x: -3 })).toBe(true);
  });
});

describe('IN', () => {
  it("JMS 2.0 §3.8.1.2 IN: Country IN ('UK', 'US', 'France')", () => {
    const selector = "Country IN ('UK', 'US', 'France')";
    expect(matches(selector, { Country: 'UK' })).toBe(true);
    expect(matches(selector, { Country: 'Peru' })).toBe(false);
  });

  it('JMS 2.0 §3.8.1.2 NOT IN is the complement for known values', () => {
    const selector = "Country NOT IN ('UK', 'US', 'France')";
    expect(matches(selector, { Country: 'UK' })).toBe(false);
    expect(matches(selector, { Country: 'Peru' })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.2 IN and NOT IN on a NULL identifier are UNKNOWN', () => {
    expect(evaluate("c IN ('a')", {})).toBeNull();
    expect(evaluate("c NOT IN ('a')", {})).toBeNull();
  });

  it('JMS 2.0 §3.8.1.2 IN on a non-string value is UNKNOWN', () => {
    expect(evaluate("c IN ('1')", { c: 1 })).toBeNull();
    expect(evaluate("c NOT IN ('1')", { c: 1 })).toBeNull();
  });
});

describe('LIKE', () => {
  it("JMS 2.0 §3.8.1.2 LIKE: '12%3' matches '123' and '12993' but not '1234'", () => {
    expect(['123', '12993', '1234'].map((phone) => matches("phone LIKE '12%3'", { phone }))).toEqual([true, true, false]);
  });

  it("JMS 2.0 §3.8.1.2 LIKE: 'l_se' matches 'lose' but not 'loose'", () => {
    expect(['lose', 'loose'].map((word) => matches("word LIKE 'l_se'", { word }))).toEqual([true, false]);
  });

  it("JMS 2.0 §3.8.1.2 LIKE ESCAPE: '\\_%' ESCAPE '\\' matches '_foo' but not 'bar'", () => {
    expect(['_foo', 'bar'].map((underscored) => matches("underscored LIKE '\\_%' ESCAPE '\\'", { underscored }))).toEqual([true, false]);
    expect(matches("p LIKE '100!%' ESCAPE '!'", { p: '100%' })).toBe(true);
    expect(matches("p LIKE '100!%' ESCAPE '!'", { p: '1000' })).toBe(false);
    expect(matches("p LIKE 'a!!b' ESCAPE '!'", { p: 'a!b' })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.2 NOT LIKE is the complement; on NULL both are UNKNOWN', () => {
    expect(matches("word NOT LIKE 'l_se'", { word: 'loose' })).toBe(true);
    expect(matches("word NOT LIKE 'l_se'", { word: 'lose' })).toBe(false);
    expect(evaluate("word LIKE 'l_se'", {})).toBeNull();
    expect(evaluate("word NOT LIKE 'l_se'", {})).toBeNull();
  });

  it('JMS 2.0 §3.8.1.2 LIKE patterns: prefix, suffix, infix, exact, regexp metacharacters are literal', () => {
    const like = (pattern: string, s: string) => matches(`s LIKE '${pattern}'`, { s });
    expect([like('ab%', 'abc'), like('ab%', 'cab'), like('%ab', 'cab'), like('%ab', 'abc')]).toEqual([true, false, true, false]);
    expect([like('%b%', 'abc'), like('%x%', 'abc'), like('abc', 'abc'), like('abc', 'abcd')]).toEqual([true, false, true, false]);
    expect([like('a.c', 'abc'), like('a.c', 'a.c'), like('(x)*', '(x)*'), like('%', ''), like('', '')]).toEqual([false, true, true, true, true]);
    expect([like('a%%c', 'abbc'), like('_%_', 'a'), like('_%_', 'ab'), like('a_c%', 'a\nc!')]).toEqual([true, false, true, true]);
  });

  it('JMS 2.0 §3.8.1.2 LIKE with several wildcards backtracks correctly', () => {
    const like = (pattern: string, s: string) => matches(`s LIKE '${pattern}'`, { s });
    expect([like('%a_c%d', 'xxabcxxacd'), like('%a_c%d', 'abcd'), like('%a_c%d', 'abdc'), like('a%b%c', 'abbbc')]).toEqual([true, true, false, true]);
    expect([like('%ab%ab', 'abab'), like('%ab%ab', 'abaab'), like('_%b_', 'aab'), like('_%b_', 'abbc')]).toEqual([true, true, false, true]);
    expect([like('%é_', 'café!'), like('a\\%b', 'a\\xb')]).toEqual([true, true]);
  });

  it('LIKE on a hostile pattern finishes (no exponential backtracking)', () => {
    const value = 'a'.repeat(5000);
    expect(matches("s LIKE '%a%a%a%a%a%a%a%a%b'", { s: value })).toBe(false);
  });

  it('JMS 2.0 §3.8.1.2 LIKE on a non-string value is UNKNOWN', () => {
    expect(evaluate("n LIKE '1%'", { n: 12 })).toBeNull();
  });
});

describe('IS NULL', () => {
  it('JMS 2.0 §3.8.1.2 IS NULL is TRUE for an absent property and FALSE for a present one', () => {
    expect(evaluate('prop IS NULL', {})).toBe(true);
    expect(evaluate('prop IS NULL', { prop: null })).toBe(true);
    expect(evaluate('prop IS NULL', { prop: '' })).toBe(false);
    expect(evaluate('prop IS NOT NULL', { prop: 0 })).toBe(true);
    expect(evaluate('prop IS NOT NULL', {})).toBe(false);
  });

  it('JMS 2.0 §3.8.1.2 IS NULL applies to arithmetic: NULL + 1 IS NULL', () => {
    expect(evaluate('prop + 1 IS NULL', {})).toBe(true);
    expect(evaluate('prop + 1 IS NULL', { prop: 1 })).toBe(false);
  });
});

describe('arithmetic', () => {
  it('JMS 2.0 §3.8.1.2 arithmetic on numbers: + - * /', () => {
    expect(matches('a + b = 5 AND a - b = -1 AND a * b = 6 AND b / a = 1.5', { a: 2, b: 3 })).toBe(true);
  });

  it('JMS 2.0 §3.8.1.2 arithmetic with NULL gives NULL, so the comparison is UNKNOWN', () => {
    expect(evaluate('a + 1 > 0', {})).toBeNull();
    expect(evaluate('-a < 0', {})).toBeNull();
    expect(evaluate('1 * a = 1', {})).toBeNull();
  });

  it('division by zero is UNKNOWN, not an error', () => {
    expect(evaluate('a / 0 > 1', { a: 1 })).toBeNull();
    expect(evaluate('a / b = 1', { a: 1n, b: 0n })).toBeNull();
    expect(evaluate('a / b = 1', { a: 1.5, b: 0 })).toBeNull();
    expect(evaluate('NOT a / b = 1', { a: 1, b: 0 })).toBeNull();
  });

  it('JMS 2.0 §3.8.1.2 arithmetic on a string or boolean property is UNKNOWN', () => {
    expect(evaluate('a + 1 = 2', { a: '1' })).toBeNull();
    expect(evaluate('a * 2 = 2', { a: true })).toBeNull();
    expect(evaluate('-a = -1', { a: '1' })).toBeNull();
  });
});
