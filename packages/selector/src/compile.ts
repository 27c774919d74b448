/**
 * Turns the parsed tree into a tree of closures, so evaluation is a few direct calls per node
 * with no interpretation overhead and no allocation beyond what the property lookups do.
 */
import type { ConditionNode, ValueNode } from './ast.js';
import { compileLike } from './like.js';
import { arithmetic, asNumeric, asString, asTruth, compare, negate, not, type Truth, type Value } from './semantics.js';
import { UntypedString, type PropertySource } from './values.js';

export type ConditionFn = (source: PropertySource) => Truth;
type ValueFn = (source: PropertySource) => Value;

export function compileCondition(node: ConditionNode): ConditionFn {
  switch (node.type) {
    case 'and': {
      const left = compileCondition(node.left);
      const right = compileCondition(node.right);
      // SQL AND: FALSE wins over UNKNOWN.
      return (s) => {
        const l = left(s);
        if (l === false) return false;
        const r = right(s);
        if (r === false) return false;
        return l === null || r === null ? null : true;
      };
    }
    case 'or': {
      const left = compileCondition(node.left);
      const right = compileCondition(node.right);
      // SQL OR: TRUE wins over UNKNOWN.
      return (s) => {
        const l = left(s);
        if (l === true) return true;
        const r = right(s);
        if (r === true) return true;
        return l === null || r === null ? null : false;
      };
    }
    case 'not': {
      const operand = compileCondition(node.operand);
      return (s) => not(operand(s));
    }
    case 'compare': {
      const operator = node.operator;
      const left = compileValue(node.left);
      const right = compileValue(node.right);
      return (s) => compare(operator, left(s), right(s));
    }
    case 'between': {
      const value = compileValue(node.value);
      const low = compileValue(node.low);
      const high = compileValue(node.high);
      const negated = node.negated;
      // JMS 2.0 §3.8.1.2: `a BETWEEN b AND c` is `b <= a AND a <= c`.
      return (s) => {
        // BETWEEN is numeric-only, so an untyped string is read as a number once, not per bound.
        const raw = value(s);
        const v = raw instanceof UntypedString ? (asNumeric(raw) ?? null) : raw;
        const aboveLow = compare('>=', v, low(s));
        if (aboveLow === false) return negated;
        const belowHigh = compare('<=', v, high(s));
        if (belowHigh === false) return negated;
        if (aboveLow === null || belowHigh === null) return null;
        return !negated;
      };
    }
    case 'in': {
      const value = compileValue(node.value);
      const members = new Set(node.list);
      const negated = node.negated;
      return (s) => {
        const text = asString(value(s));
        if (text === undefined) return null;
        return members.has(text) !== negated;
      };
    }
    case 'like': {
      const value = compileValue(node.value);
      const matcher = compileLike(node.pattern, node.escape);
      const negated = node.negated;
      return (s) => {
        const text = asString(value(s));
        if (text === undefined) return null;
        return matcher(text) !== negated;
      };
    }
    case 'isNull': {
      const value = compileValue(node.value);
      const negated = node.negated;
      return (s) => (value(s) === null) !== negated;
    }
    case 'truth': {
      const value = compileValue(node.value);
      return (s) => asTruth(value(s));
    }
  }
}

function compileValue(node: ValueNode): ValueFn {
  switch (node.type) {
    case 'literal': {
      const constant = node.value;
      return () => constant;
    }
    case 'identifier': {
      const name = node.name;
      return (s) => s.get(name) ?? null;
    }
    case 'negate': {
      const operand = compileValue(node.operand);
      return (s) => negate(operand(s));
    }
    case 'arithmetic': {
      const operator = node.operator;
      const left = compileValue(node.left);
      const right = compileValue(node.right);
      return (s) => arithmetic(operator, left(s), right(s));
    }
    case 'condition': {
      const condition = compileCondition(node.condition);
      return (s) => condition(s);
    }
  }
}
