import { describe, expect, it } from 'vitest';
import { evaluate, matches } from './helpers.js';

// `t` is TRUE, `f` is FALSE, `u` is absent so `u = 1` is UNKNOWN (JMS 2.0 §3.8.1.2: NULL comparisons are UNKNOWN).
const TRUE = 't = 1';
const FALSE = 'f = 1';
const UNKNOWN = 'u = 1';
const props = { t: 1, f: 0 };
const ev = (selector: string) => evaluate(selector, props);
const label = (v: boolean | null) => (v === null ? 'UNKNOWN' : v ? 'TRUE' : 'FALSE');

describe('JMS 2.0 §3.8.1.2 three-valued logic', () => {
  const operands: [string, boolean | null][] = [
    [TRUE, true],
    [FALSE, false],
    [UNKNOWN, null],
  ];

  const andTable = (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true);
  const orTable = (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === null || b === null ? null : false);

  for (const [left, l] of operands) {
    for (const [right, r] of operands) {
      it(`AND truth table: ${label(l)} AND ${label(r)} is ${label(andTable(l, r))}`, () => {
        expect(ev(`${left} AND ${right}`)).toBe(andTable(l, r));
      });
      it(`OR truth table: ${label(l)} OR ${label(r)} is ${label(orTable(l, r))}`, () => {
        expect(ev(`${left} OR ${right}`)).toBe(orTable(l, r));
      });
    }
    it(`NOT truth table: NOT ${label(l)} is ${label(l === null ? null : !l)}`, () => {
      expect(ev(`NOT (${left})`)).toBe(l === null ? null : !l);
    });
  }

  it('NULL AND FALSE is FALSE, so NOT (NULL AND FALSE) matches', () => {
    expect(matches(`NOT (${UNKNOWN} AND ${FALSE})`, props)).toBe(true);
  });

  it('UNKNOWN does not match, and neither does its negation', () => {
    expect(matches(UNKNOWN, props)).toBe(false);
    expect(matches(`NOT ${UNKNOWN}`, props)).toBe(false);
  });

  it('a NULL property compared with = or <> is UNKNOWN for both', () => {
    expect(evaluate("a = 'x'", {})).toBeNull();
    expect(evaluate("a <> 'x'", {})).toBeNull();
  });
});
