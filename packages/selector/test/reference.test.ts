import { describe, expect, it } from 'vitest';
import { parseSelector, propertySourceOf, type SelectorValue } from '../src/index.js';

/*
 * Randomized cross-check: random expression trees are rendered to selector text with only the
 * parentheses precedence requires, then evaluated both by the engine and by the direct
 * tree-walking reference below, which restates the JMS rules without sharing any code.
 */

type Truth = boolean | null;
type V = number | string | boolean | null;

type ValueTree =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'id'; name: string }
  | { k: 'neg'; e: ValueTree }
  | { k: 'arith'; op: '+' | '-' | '*' | '/'; l: ValueTree; r: ValueTree };

type CondTree =
  | { k: 'and' | 'or'; l: CondTree; r: CondTree }
  | { k: 'not'; e: CondTree }
  | { k: 'cmp'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; l: ValueTree; r: ValueTree }
  | { k: 'between'; not: boolean; e: ValueTree; lo: ValueTree; hi: ValueTree }
  | { k: 'in'; not: boolean; e: ValueTree; list: string[] }
  | { k: 'like'; not: boolean; e: ValueTree; pattern: string }
  | { k: 'isnull'; not: boolean; e: ValueTree }
  | { k: 'bool'; name: string };

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMERIC_IDS = ['n1', 'n2', 'n3'];
const STRING_IDS = ['s1', 's2'];
const BOOL_IDS = ['b1', 'b2'];
const WORDS = ['ab', 'abc', 'b', '', 'a_c', 'x%'];
const PATTERNS = ['a%', '%c', '_b%', 'abc', '%', 'a_c', '%b%'];

class Generator {
  constructor(private readonly random: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  value(depth: number): ValueTree {
    const r = this.random();
    if (depth <= 0 || r < 0.35) return r < 0.15 ? { k: 'num', v: this.pick([0, 1, 2, 3, 2.5, 10]) } : { k: 'id', name: this.pick(NUMERIC_IDS) };
    if (r < 0.45) return { k: 'neg', e: this.value(depth - 1) };
    return { k: 'arith', op: this.pick(['+', '-', '*', '/'] as const), l: this.value(depth - 1), r: this.value(depth - 1) };
  }

  stringValue(): ValueTree {
    return this.random() < 0.7 ? { k: 'id', name: this.pick(STRING_IDS) } : { k: 'str', v: this.pick(WORDS) };
  }

  condition(depth: number): CondTree {
    const r = this.random();
    if (depth > 0 && r < 0.2) return { k: 'and', l: this.condition(depth - 1), r: this.condition(depth - 1) };
    if (depth > 0 && r < 0.4) return { k: 'or', l: this.condition(depth - 1), r: this.condition(depth - 1) };
    if (depth > 0 && r < 0.5) return { k: 'not', e: this.condition(depth - 1) };
    const kind = this.random();
    const not = this.random() < 0.4;
    if (kind < 0.3) return { k: 'cmp', op: this.pick(['=', '<>', '<', '<=', '>', '>='] as const), l: this.value(2), r: this.value(2) };
    if (kind < 0.4) return { k: 'cmp', op: this.pick(['=', '<>'] as const), l: this.stringValue(), r: this.stringValue() };
    if (kind < 0.55) return { k: 'between', not, e: this.value(1), lo: this.value(1), hi: this.value(1) };
    if (kind < 0.65) return { k: 'in', not, e: { k: 'id', name: this.pick(STRING_IDS) }, list: [this.pick(WORDS), this.pick(WORDS)] };
    if (kind < 0.8) return { k: 'like', not, e: { k: 'id', name: this.pick(STRING_IDS) }, pattern: this.pick(PATTERNS) };
    if (kind < 0.9) return { k: 'isnull', not, e: this.value(1) };
    return { k: 'bool', name: this.pick(BOOL_IDS) };
  }

  properties(): Record<string, SelectorValue> {
    const props: Record<string, SelectorValue> = {};
    for (const name of NUMERIC_IDS) if (this.random() < 0.85) props[name] = this.pick([0, 1, 2, 3, -1, 1.5, 10]);
    for (const name of STRING_IDS) if (this.random() < 0.85) props[name] = this.pick(WORDS);
    for (const name of BOOL_IDS) if (this.random() < 0.85) props[name] = this.random() < 0.5;
    // Occasionally a property of the wrong type, to exercise type-mismatch UNKNOWN.
    if (this.random() < 0.2) props[this.pick(NUMERIC_IDS)] = this.pick(WORDS);
    if (this.random() < 0.2) props[this.pick(STRING_IDS)] = 1;
    return props;
  }
}

// Precedence levels used for rendering: higher binds tighter.
const P_OR = 1, P_AND = 2, P_NOT = 3, P_PRED = 4, P_ADD = 5, P_MUL = 6, P_UNARY = 7, P_ATOM = 8;

function valuePrecedence(t: ValueTree): number {
  if (t.k === 'arith') return t.op === '+' || t.op === '-' ? P_ADD : P_MUL;
  return t.k === 'neg' ? P_UNARY : P_ATOM;
}

function renderValue(t: ValueTree, min: number): string {
  const text = ((): string => {
    switch (t.k) {
      case 'num': return String(t.v);
      case 'str': return `'${t.v.replace(/'/g, "''")}'`;
      case 'id': return t.name;
      case 'neg': return `-${renderValue(t.e, P_UNARY)}`;
      case 'arith': {
        const p = valuePrecedence(t);
        return `${renderValue(t.l, p)} ${t.op} ${renderValue(t.r, p + 1)}`;
      }
    }
  })();
  return valuePrecedence(t) < min ? `(${text})` : text;
}

function condPrecedence(t: CondTree): number {
  return t.k === 'or' ? P_OR : t.k === 'and' ? P_AND : t.k === 'not' ? P_NOT : P_PRED;
}

function renderCond(t: CondTree, min: number): string {
  const n = (not: boolean) => (not ? 'NOT ' : '');
  const text = ((): string => {
    switch (t.k) {
      case 'and': return `${renderCond(t.l, P_AND)} AND ${renderCond(t.r, P_AND + 1)}`;
      case 'or': return `${renderCond(t.l, P_OR)} OR ${renderCond(t.r, P_OR + 1)}`;
      case 'not': return `NOT ${renderCond(t.e, P_NOT)}`;
      case 'cmp': return `${renderValue(t.l, P_ADD)} ${t.op} ${renderValue(t.r, P_ADD)}`;
      case 'between': return `${renderValue(t.e, P_ADD)} ${n(t.not)}BETWEEN ${renderValue(t.lo, P_ADD)} AND ${renderValue(t.hi, P_ADD)}`;
      case 'in': return `${renderValue(t.e, P_ADD)} ${n(t.not)}IN (${t.list.map((s) => `'${s}'`).join(', ')})`;
      case 'like': return `${renderValue(t.e, P_ADD)} ${n(t.not)}LIKE '${t.pattern}'`;
      case 'isnull': return `${renderValue(t.e, P_ADD)} IS ${n(t.not)}NULL`;
      case 'bool': return t.name;
    }
  })();
  return condPrecedence(t) < min ? `(${text})` : text;
}

function likeMatches(s: string, p: string): boolean {
  if (p.length === 0) return s.length === 0;
  if (p[0] === '%') return likeMatches(s, p.slice(1)) || (s.length > 0 && likeMatches(s.slice(1), p));
  if (s.length === 0) return false;
  return (p[0] === '_' || p[0] === s[0]) && likeMatches(s.slice(1), p.slice(1));
}

function refValue(t: ValueTree, props: Record<string, SelectorValue>): V {
  switch (t.k) {
    case 'num':
    case 'str': return t.v;
    case 'id': return (props[t.name] as V | undefined) ?? null;
    case 'neg': {
      const v = refValue(t.e, props);
      return typeof v === 'number' ? -v : null;
    }
    case 'arith': {
      const l = refValue(t.l, props);
      const r = refValue(t.r, props);
      if (typeof l !== 'number' || typeof r !== 'number') return null;
      if (t.op === '+') return l + r;
      if (t.op === '-') return l - r;
      if (t.op === '*') return l * r;
      return r === 0 ? null : l / r;
    }
  }
}

function refCompare(op: string, l: V, r: V): Truth {
  if (l === null || r === null || typeof l !== typeof r) return null;
  if (typeof l !== 'number' && op !== '=' && op !== '<>') return null;
  switch (op) {
    case '=': return l === r;
    case '<>': return l !== r;
    case '<': return (l as number) < (r as number);
    case '<=': return (l as number) <= (r as number);
    case '>': return (l as number) > (r as number);
    default: return (l as number) >= (r as number);
  }
}

const refNot = (v: Truth): Truth => (v === null ? null : !v);
const refAnd = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === null || b === null ? null : true);
const refOr = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === null || b === null ? null : false);
const maybeNot = (not: boolean, v: Truth) => (not ? refNot(v) : v);

function refCond(t: CondTree, props: Record<string, SelectorValue>): Truth {
  switch (t.k) {
    case 'and': return refAnd(refCond(t.l, props), refCond(t.r, props));
    case 'or': return refOr(refCond(t.l, props), refCond(t.r, props));
    case 'not': return refNot(refCond(t.e, props));
    case 'cmp': return refCompare(t.op, refValue(t.l, props), refValue(t.r, props));
    case 'between': {
      const v = refValue(t.e, props);
      return maybeNot(t.not, refAnd(refCompare('<=', refValue(t.lo, props), v), refCompare('<=', v, refValue(t.hi, props))));
    }
    case 'in': {
      const v = refValue(t.e, props);
      return typeof v === 'string' ? maybeNot(t.not, t.list.includes(v)) : null;
    }
    case 'like': {
      const v = refValue(t.e, props);
      return typeof v === 'string' ? maybeNot(t.not, likeMatches(v, t.pattern)) : null;
    }
    case 'isnull': return maybeNot(t.not, refValue(t.e, props) === null);
    case 'bool': {
      const v = props[t.name];
      return typeof v === 'boolean' ? v : null;
    }
  }
}

describe('randomized cross-check against a reference evaluator', () => {
  it('JMS 2.0 §3.8.1: precedence, three-valued logic and type rules agree on 3000 random selectors', () => {
    const gen = new Generator(mulberry32(20240607));
    for (let i = 0; i < 3000; i++) {
      const tree = gen.condition(3);
      const text = renderCond(tree, 0);
      const selector = parseSelector(text);
      for (let j = 0; j < 3; j++) {
        const props = gen.properties();
        const expected = refCond(tree, props);
        const actual = selector.evaluate(propertySourceOf(props));
        if (actual !== expected) {
          expect.fail(`${text}\nwith ${JSON.stringify(props)}: engine ${actual}, reference ${expected}`);
        }
      }
    }
  });
});
