/**
 * Run-time semantics of JMS 2.0 §3.8.1.2 operators on values: type rules, three-valued results
 * (`null` is UNKNOWN) and ActiveMQ's convert_string_expressions rule for {@link UntypedString}.
 * These functions run per message, so they branch on `typeof` and never allocate for numbers.
 */
import type { ArithmeticOperator, ComparisonOperator } from './ast.js';
import { parseNumericText, UntypedString, type SelectorValue } from './values.js';

/** A value during evaluation; absent properties are already normalized to `null`. */
export type Value = SelectorValue | UntypedString;

/** TRUE, FALSE or UNKNOWN (`null`). */
export type Truth = boolean | null;

/** Reads an untyped string as a boolean the way ActiveMQ does when it meets a boolean. */
function untypedAsBoolean(text: string): boolean | undefined {
  if (text.length === 4 && text.toLowerCase() === 'true') return true;
  if (text.length === 5 && text.toLowerCase() === 'false') return false;
  return undefined;
}

/** A value as a number for arithmetic, or `undefined` when it is not numeric. */
export function asNumeric(value: Value): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (value instanceof UntypedString) return parseNumericText(value.value);
  return undefined;
}

/** A value used directly as a condition (`WHERE flag`). */
export function asTruth(value: Value): Truth {
  if (typeof value === 'boolean') return value;
  if (value instanceof UntypedString) return untypedAsBoolean(value.value) ?? null;
  return null;
}

/** A value as a string for LIKE / IN, or `undefined` when it is not a string. */
export function asString(value: Value): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof UntypedString) return value.value;
  return undefined;
}

/**
 * Resolves an untyped string against the other operand's type; `undefined` means the
 * conversion fails, which makes the comparison UNKNOWN.
 */
function convertAgainst(value: UntypedString, other: Value): Value | undefined {
  if (typeof other === 'number' || typeof other === 'bigint') return parseNumericText(value.value);
  if (typeof other === 'boolean') return untypedAsBoolean(value.value);
  return value.value;
}

function ordered(operator: ComparisonOperator, left: number | bigint, right: number | bigint): boolean {
  // JS relational and loose-equality operators compare number with bigint exactly.
  switch (operator) {
    case '=':
      return left == right;
    case '<>':
      return left != right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
}

/** JMS 2.0 §3.8.1.2 comparison with three-valued result. */
export function compare(operator: ComparisonOperator, left: Value, right: Value): Truth {
  if (left === null || right === null) return null;
  let l: Value | undefined = left;
  let r: Value | undefined = right;
  if (l instanceof UntypedString) l = r instanceof UntypedString ? l.value : convertAgainst(l, r);
  if (r instanceof UntypedString) r = typeof l === 'string' || l === undefined ? r.value : convertAgainst(r, l);
  if (l === undefined || r === undefined || l === null || r === null) return null;
  const lt = typeof l;
  const rt = typeof r;
  if ((lt === 'number' || lt === 'bigint') && (rt === 'number' || rt === 'bigint')) {
    return ordered(operator, l as number | bigint, r as number | bigint);
  }
  if (lt !== rt) return null;
  // Same non-numeric type: strings and booleans only support = and <>.
  if (operator === '=') return l === r;
  if (operator === '<>') return l !== r;
  return null;
}

function isIntegral(value: number): boolean {
  return Number.isInteger(value);
}

/**
 * JMS arithmetic. Two `number`s use double arithmetic; when a `bigint` (long) meets another
 * integer the operation is exact in bigint, and `/` then truncates like Java's long division.
 * Division by zero and any non-numeric operand give NULL.
 */
export function arithmetic(operator: ArithmeticOperator, left: Value, right: Value): number | bigint | null {
  const l = asNumeric(left);
  if (l === undefined) return null;
  const r = asNumeric(right);
  if (r === undefined) return null;
  if (typeof l === 'number' && typeof r === 'number') {
    switch (operator) {
      case '+':
        return l + r;
      case '-':
        return l - r;
      case '*':
        return l * r;
      case '/':
        return r === 0 ? null : l / r;
    }
  }
  if ((typeof l === 'number' && !isIntegral(l)) || (typeof r === 'number' && !isIntegral(r))) {
    return arithmetic(operator, Number(l), Number(r));
  }
  const a = typeof l === 'bigint' ? l : BigInt(l);
  const b = typeof r === 'bigint' ? r : BigInt(r);
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0n ? null : a / b;
  }
}

/** Unary minus; NULL for non-numeric operands. */
export function negate(value: Value): number | bigint | null {
  const n = asNumeric(value);
  return n === undefined ? null : -n;
}

/** SQL NOT with UNKNOWN. */
export function not(value: Truth): Truth {
  return value === null ? null : !value;
}
