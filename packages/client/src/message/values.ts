/**
 * Java-typed values as JMS messages hold them, and the JMS conversion tables between them.
 *
 * JavaScript has one number type, so every stored value remembers its Java type; a `long` is a
 * `bigint` so no precision is lost above 2^53, a `float` is stored already rounded to 32 bits and a
 * `char` is a one-character string.
 * @packageDocumentation
 */
import { MessageFormatException, NumberFormatException } from '../errors.js';

/** The Java types a JMS property, MapMessage entry or StreamMessage field can have. */
export type JavaType = 'boolean' | 'byte' | 'short' | 'char' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes';

/** A value with its Java type. `null` only appears where JMS allows a null (map entries, stream fields). */
export type TypedValue =
  | { type: 'boolean'; value: boolean }
  | { type: 'byte' | 'short' | 'int' | 'float' | 'double'; value: number }
  | { type: 'long'; value: bigint }
  | { type: 'char' | 'string'; value: string }
  | { type: 'bytes'; value: Uint8Array };

/** What `getObjectProperty`, `MapMessage.getObject` and `StreamMessage.readObject` return. */
export type JmsObject = boolean | number | bigint | string | Uint8Array | null;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const RANGES = { byte: [-128, 127], short: [-32768, 32767], int: [-2147483648, 2147483647] } as const;

/** Checks that `value` fits the Java integral type and returns it; throws MessageFormatException otherwise. */
export function checkIntegral(type: 'byte' | 'short' | 'int', value: number): number {
  const [min, max] = RANGES[type];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MessageFormatException(`${String(value)} is not a Java ${type} (${min}..${max})`);
  }
  return value;
}

/** Checks that `value` fits a Java long. */
export function checkLong(value: bigint): bigint {
  if (typeof value !== 'bigint' || value < LONG_MIN || value > LONG_MAX) {
    throw new MessageFormatException(`${String(value)} is not a Java long`);
  }
  return value;
}

/** Builds a typed value after checking the JavaScript value against the Java type's range. */
export function typed(type: JavaType, value: unknown): TypedValue {
  switch (type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new MessageFormatException('a boolean value is required');
      return { type, value };
    case 'byte':
    case 'short':
    case 'int':
      if (typeof value !== 'number') throw new MessageFormatException(`a number is required for a Java ${type}`);
      return { type, value: checkIntegral(type, value) };
    case 'long':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { type, value: BigInt(value) };
      if (typeof value !== 'bigint') throw new MessageFormatException('a bigint is required for a Java long');
      return { type, value: checkLong(value) };
    case 'float':
      if (typeof value !== 'number') throw new MessageFormatException('a number is required for a Java float');
      return { type, value: Math.fround(value) };
    case 'double':
      if (typeof value !== 'number') throw new MessageFormatException('a number is required for a Java double');
      return { type, value };
    case 'char':
      if (typeof value !== 'string' || value.length !== 1) {
        throw new MessageFormatException('a Java char is a string of exactly one UTF-16 code unit');
      }
      return { type, value };
    case 'string':
      if (typeof value !== 'string') throw new MessageFormatException('a string is required');
      return { type, value };
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw new MessageFormatException('a Uint8Array is required for byte[]');
      return { type, value };
  }
}

/**
 * Infers the Java type of a JavaScript value given to `setObjectProperty`, `MapMessage.setObject`
 * or `StreamMessage.writeObject`: boolean, bigint (long), string, Uint8Array (byte[]); a number is
 * an `int` when it is an integer in int range and a `double` otherwise. Use the typed setters (or
 * pass a {@link TypedValue}) to choose byte, short, float or char.
 */
export function inferTyped(value: unknown, allowBytes: boolean): TypedValue {
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'bigint') return { type: 'long', value: checkLong(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= RANGES.int[0] && value <= RANGES.int[1]
      ? { type: 'int', value }
      : { type: 'double', value };
  }
  if (value instanceof Uint8Array && allowBytes) return { type: 'bytes', value: value.slice() };
  if (isTypedValue(value) && (allowBytes || (value.type !== 'bytes' && value.type !== 'char'))) {
    return typed(value.type, value.value);
  }
  throw new MessageFormatException(`values of this kind cannot be stored: ${Object.prototype.toString.call(value)}`);
}

function isTypedValue(value: unknown): value is TypedValue {
  return typeof value === 'object' && value !== null && 'type' in value && 'value' in value;
}

/** The JavaScript value JMS's `getObject...` returns for a typed value (byte[] as a copy). */
export function toObject(v: TypedValue | null): JmsObject {
  if (v === null) return null;
  return v.type === 'bytes' ? v.value.slice() : v.value;
}

/** Java's `String.valueOf` for a typed value. */
export function toJavaString(v: TypedValue): string {
  switch (v.type) {
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'float':
    case 'double':
      return javaFloatingString(v.value);
    case 'bytes':
      throw new MessageFormatException('byte[] cannot be read as a String');
    default:
      return String(v.value);
  }
}

function javaFloatingString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return Object.is(n, -0) ? '-0.0' : `${n}.0`;
  return String(n);
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?$/;

/** Java's `Long.valueOf(String)` semantics: decimal only, null or junk throw NumberFormatException. */
function parseJavaInteger(text: string | null, type: 'byte' | 'short' | 'int' | 'long'): number | bigint {
  if (text === null) throw new NumberFormatException(`null cannot be converted to ${type}`);
  if (!INTEGER_TEXT.test(text)) throw new NumberFormatException(`For input string: "${text}"`);
  const big = BigInt(text);
  if (type === 'long') {
    if (big < LONG_MIN || big > LONG_MAX) throw new NumberFormatException(`Value out of range: "${text}"`);
    return big;
  }
  const [min, max] = RANGES[type];
  if (big < BigInt(min) || big > BigInt(max)) throw new NumberFormatException(`Value out of range: "${text}"`);
  return Number(big);
}

function parseJavaFloating(text: string | null, type: 'float' | 'double'): number {
  if (text === null) throw new NumberFormatException(`null cannot be converted to ${type}`);
  const trimmed = text.trim();
  if (!FLOAT_TEXT.test(trimmed)) throw new NumberFormatException(`For input string: "${text}"`);
  const n = Number(trimmed.replace(/[fFdD]$/, ''));
  return type === 'float' ? Math.fround(n) : n;
}

/** What `missing` does for a getter: JMS treats an absent value as `valueOf(null)`. */
type Absent = TypedValue | null;

function cannot(from: string, to: string): MessageFormatException {
  return new MessageFormatException(`a ${from} value cannot be read as ${to}`);
}

/**
 * Conversions shared by properties (JMS 2.0 §3.5.4) and map/stream bodies (JMS 2.0 §3.11.3).
 * The tables are identical except that bodies also have `char` and `byte[]`, which properties lack.
 * Each function takes the stored value (or null if absent) and returns the requested type.
 */
export const convert = {
  toBoolean(v: Absent): boolean {
    if (v === null) return false; // Boolean.valueOf(null)
    if (v.type === 'boolean') return v.value;
    if (v.type === 'string') return v.value.toLowerCase() === 'true';
    throw cannot(v.type, 'boolean');
  },
  toByte(v: Absent): number {
    if (v === null || v.type === 'string') return parseJavaInteger(v?.value ?? null, 'byte') as number;
    if (v.type === 'byte') return v.value;
    throw cannot(v.type, 'byte');
  },
  toShort(v: Absent): number {
    if (v === null || v.type === 'string') return parseJavaInteger(v?.value ?? null, 'short') as number;
    if (v.type === 'byte' || v.type === 'short') return v.value;
    throw cannot(v.type, 'short');
  },
  toInt(v: Absent): number {
    if (v === null || v.type === 'string') return parseJavaInteger(v?.value ?? null, 'int') as number;
    if (v.type === 'byte' || v.type === 'short' || v.type === 'int') return v.value;
    throw cannot(v.type, 'int');
  },
  toLong(v: Absent): bigint {
    if (v === null || v.type === 'string') return parseJavaInteger(v?.value ?? null, 'long') as bigint;
    if (v.type === 'byte' || v.type === 'short' || v.type === 'int') return BigInt(v.value);
    if (v.type === 'long') return v.value;
    throw cannot(v.type, 'long');
  },
  toFloat(v: Absent): number {
    if (v === null || v.type === 'string') return parseJavaFloating(v?.value ?? null, 'float');
    if (v.type === 'float') return v.value;
    throw cannot(v.type, 'float');
  },
  toDouble(v: Absent): number {
    if (v === null || v.type === 'string') return parseJavaFloating(v?.value ?? null, 'double');
    if (v.type === 'float' || v.type === 'double') return v.value;
    throw cannot(v.type, 'double');
  },
  toChar(v: Absent): string {
    // Character has no valueOf(String): JMS specifies a NullPointerException for a null char.
    if (v === null) throw new TypeError('a null value cannot be read as char');
    if (v.type === 'char') return v.value;
    throw cannot(v.type, 'char');
  },
  toString(v: Absent): string | null {
    if (v === null) return null;
    return toJavaString(v);
  },
  toBytes(v: Absent): Uint8Array | null {
    if (v === null) return null;
    if (v.type === 'bytes') return v.value.slice();
    throw cannot(v.type, 'byte[]');
  },
};
