/**
 * The values a selector works on and the lookup contract between the engine and a message.
 */

/**
 * A typed value: `string` (JMS String), `number` (JMS byte/short/int/float/double),
 * `bigint` (JMS long; compared exactly with other integers), `boolean`, or `null` (absent).
 */
export type SelectorValue = string | number | bigint | boolean | null;

/**
 * A string whose JMS type is not known because it arrived as a plain STOMP header.
 *
 * ActiveMQ's `convert_string_expressions` rule applies to it: when it meets a numeric operand in
 * a comparison or in arithmetic and reads as a number, it is used as that number; when it meets
 * a boolean operand and reads `true`/`false` (any case) it is used as that boolean. Everywhere
 * else (`=` with strings, `LIKE`, `IN`) it behaves as a string. A plain `string` returned by a
 * {@link PropertySource} is a typed JMS String and keeps the strict JMS rules.
 *
 * {@link StompPropertySource} reuses instances between messages: a returned `UntypedString` is
 * only valid until the next `reset()` of the source that returned it.
 */
export class UntypedString {
  /** The raw header text. */
  value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

/**
 * Looks up an identifier for a selector: a JMS header field such as `JMSPriority` or an
 * application property name. `undefined` or `null` means the property is absent (SQL NULL).
 */
export interface PropertySource {
  get(name: string): SelectorValue | UntypedString | undefined;
}

/** A {@link PropertySource} over a plain record of typed values (handy for local filtering). */
export function propertySourceOf(record: Readonly<Record<string, SelectorValue>>): PropertySource {
  return {
    get(name: string) {
      return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
    },
  };
}

const CH_0 = 48;
const CH_9 = 57;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

/**
 * Reads text as a decimal number the way Java's `Long.valueOf` / `Double.valueOf` would accept
 * plain decimal notation: optional sign, digits, optional fraction, optional exponent.
 * Integers beyond 2^53 come back as `bigint` so no precision is lost. Returns `undefined` for
 * anything else (including empty text, hex, surrounding blanks).
 */
export function parseNumericText(text: string): number | bigint | undefined {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) i++;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  let digits = i - intStart;
  let integral = true;
  if (i < n && text.charCodeAt(i) === 46 /* . */) {
    integral = false;
    i++;
    const fracStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    digits += i - fracStart;
  }
  if (digits === 0) return undefined;
  if (i < n && (text.charCodeAt(i) | 0x20) === 101 /* e */) {
    integral = false;
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return undefined;
  }
  if (i !== n) return undefined;
  if (integral) return integerFromDigits(text);
  return Number(text);
}

/** Decimal integer text (already validated) to the narrowest exact representation. */
export function integerFromDigits(text: string): number | bigint {
  // 15 digits always fit in a double exactly; longer ones may not.
  if (text.length <= 15) return Number(text);
  const big = BigInt(text);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}
