/**
 * The parsed form of a selector, before it is compiled to closures.
 */

/** Comparison operators of JMS 2.0 §3.8.1.2. */
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithmeticOperator = '+' | '-' | '*' | '/';

/** A value-producing expression. */
export type ValueNode =
  | { readonly type: 'literal'; readonly value: string | number | bigint | boolean }
  | { readonly type: 'identifier'; readonly name: string }
  | { readonly type: 'negate'; readonly operand: ValueNode }
  | { readonly type: 'arithmetic'; readonly operator: ArithmeticOperator; readonly left: ValueNode; readonly right: ValueNode }
  /** A parenthesized condition used where a value is expected, e.g. `(a > 1) = FALSE`. */
  | { readonly type: 'condition'; readonly condition: ConditionNode };

/** A three-valued (TRUE / FALSE / UNKNOWN) expression. */
export type ConditionNode =
  | { readonly type: 'and' | 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly type: 'not'; readonly operand: ConditionNode }
  | { readonly type: 'compare'; readonly operator: ComparisonOperator; readonly left: ValueNode; readonly right: ValueNode }
  | { readonly type: 'between'; readonly negated: boolean; readonly value: ValueNode; readonly low: ValueNode; readonly high: ValueNode }
  | { readonly type: 'in'; readonly negated: boolean; readonly value: ValueNode; readonly list: readonly string[] }
  | { readonly type: 'like'; readonly negated: boolean; readonly value: ValueNode; readonly pattern: string; readonly escape: string | undefined }
  | { readonly type: 'isNull'; readonly negated: boolean; readonly value: ValueNode }
  /** A value used as a condition: a boolean identifier or literal. */
  | { readonly type: 'truth'; readonly value: ValueNode };
