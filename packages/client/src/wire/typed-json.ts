/**
 * JSON bodies for MapMessage (ActiveMQ's `jms-map-json`) and StreamMessage (our own typed array).
 *
 * ActiveMQ serialises a map with XStream's Jettison driver:
 * `{"map":{"entry":[{"string":["name","Dejan"]},{"string":"age","int":36}]}}` — each entry names
 * the key (`string`) and the value's Java type, so types survive. A `long` is written as a JSON
 * string (Jettison and XStream accept it) because a JSON number would lose digits above 2^53 in
 * JavaScript; `float`/`double` non-finite values are written as `"NaN"`, `"Infinity"`, `"-Infinity"`,
 * which Java's `Float.valueOf` understands.
 * @packageDocumentation
 */
import { MessageFormatException } from '../errors.js';
import type { JavaType, TypedValue } from '../message/values.js';
import { typed } from '../message/values.js';

/** XStream's element names for Java types. */
const XSTREAM_NAMES: Readonly<Record<JavaType, string>> = {
  boolean: 'boolean',
  byte: 'byte',
  short: 'short',
  char: 'char',
  int: 'int',
  long: 'long',
  float: 'float',
  double: 'double',
  string: 'string',
  bytes: 'byte-array',
};
const FROM_XSTREAM: ReadonlyMap<string, JavaType> = new Map(
  Object.entries(XSTREAM_NAMES).map(([k, v]) => [v, k as JavaType]),
);

/** The JSON text of one value, without losing precision. */
function jsonValue(v: TypedValue): string {
  switch (v.type) {
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'long':
      return `"${v.value.toString()}"`;
    case 'float':
    case 'double':
      return Number.isFinite(v.value) ? String(v.value) : `"${String(v.value)}"`;
    case 'byte':
    case 'short':
    case 'int':
      return String(v.value);
    case 'char':
    case 'string':
      return JSON.stringify(v.value);
    case 'bytes':
      return `"${toBase64(v.value)}"`;
  }
}

/** Reads a JSON-decoded value back as the given Java type. */
function fromJson(type: JavaType, raw: unknown): TypedValue {
  switch (type) {
    case 'long':
      if (typeof raw === 'string' || typeof raw === 'number') return typed('long', BigInt(raw));
      break;
    case 'float':
    case 'double':
      if (typeof raw === 'number') return typed(type, raw);
      if (typeof raw === 'string') return typed(type, Number(raw));
      break;
    case 'byte':
    case 'short':
    case 'int':
      if (typeof raw === 'number') return typed(type, raw);
      if (typeof raw === 'string') return typed(type, Number(raw));
      break;
    case 'boolean':
      if (typeof raw === 'boolean') return typed(type, raw);
      if (raw === 'true' || raw === 'false') return typed(type, raw === 'true');
      break;
    case 'char':
    case 'string':
      if (typeof raw === 'string') return typed(type, raw);
      if (typeof raw === 'number' && type === 'string') return typed(type, String(raw));
      break;
    case 'bytes':
      if (typeof raw === 'string') return typed('bytes', fromBase64(raw));
      break;
  }
  throw new MessageFormatException(`cannot read ${JSON.stringify(raw)} as a Java ${type}`);
}

/** Encodes MapMessage entries as ActiveMQ `jms-map-json`. */
export function encodeMapJson(entries: ReadonlyMap<string, TypedValue | null>): string {
  const parts: string[] = [];
  for (const [key, v] of entries) {
    if (v === null) parts.push(`{"string":${JSON.stringify(key)},"null":""}`);
    else if (v.type === 'string') parts.push(`{"string":[${JSON.stringify(key)},${JSON.stringify(v.value)}]}`);
    else parts.push(`{"string":${JSON.stringify(key)},"${XSTREAM_NAMES[v.type]}":${jsonValue(v)}}`);
  }
  return `{"map":{"entry":[${parts.join(',')}]}}`;
}

/** Decodes ActiveMQ `jms-map-json` (single entries may be an object instead of an array, as Jettison writes them). */
export function decodeMapJson(text: string): Map<string, TypedValue | null> {
  const out = new Map<string, TypedValue | null>();
  let doc: unknown;
  try {
    doc = JSON.parse(quoteBareNumbers(text));
  } catch (e) {
    throw new MessageFormatException('a jms-map-json body is not JSON', { cause: e });
  }
  const map = (doc as { map?: unknown } | null)?.map;
  if (map === '' || map === null) return out;
  if (typeof map !== 'object' || map === undefined) throw new MessageFormatException('a jms-map-json body has no "map"');
  const entry = (map as { entry?: unknown }).entry;
  if (entry === undefined) return out;
  for (const e of Array.isArray(entry) ? entry : [entry]) {
    if (typeof e !== 'object' || e === null) throw new MessageFormatException('a jms-map-json entry is not an object');
    const record = e as Record<string, unknown>;
    const key = record['string'];
    if (Array.isArray(key)) {
      // {"string":["k","v"]}: a String value, or {"string":["k", 6]} when Jettison typed a numeric-looking string.
      out.set(String(key[0]), typed('string', String(key[1])));
      continue;
    }
    if (typeof key !== 'string') throw new MessageFormatException('a jms-map-json entry has no key');
    const valueName = Object.keys(record).find((k) => k !== 'string');
    if (valueName === undefined || valueName === 'null') {
      out.set(key, null);
      continue;
    }
    const type = FROM_XSTREAM.get(valueName);
    if (type === undefined) throw new MessageFormatException(`a jms-map-json entry has unknown type "${valueName}"`);
    out.set(key, fromJson(type, record[valueName]));
  }
  return out;
}

/**
 * Turns every bare JSON number into a string holding its exact text. ActiveMQ's Jettison writes a
 * `long` as a bare number (`"long":9007199254740993`), which `JSON.parse` would round to a double,
 * and writes a numeric-looking String value as a number too; {@link fromJson} reads the text
 * back as the entry's declared type instead.
 */
function quoteBareNumbers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, escapes included, so digits inside it stay untouched.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else {
          i++;
          if (d === 0x22) break;
        }
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      out += text.slice(copied, start) + '"' + text.slice(start, i) + '"';
      copied = i;
    } else {
      i++;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isNumberChar(c: number): boolean {
  // digits, '.', 'e', 'E', '+', '-'
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/** Encodes StreamMessage fields as `[["int",5],["string","x"],["null"]]`. */
export function encodeStreamJson(fields: readonly (TypedValue | null)[]): string {
  const parts = fields.map((v) => (v === null ? '["null"]' : `["${v.type}",${jsonValue(v)}]`));
  return `[${parts.join(',')}]`;
}

/** Decodes {@link encodeStreamJson}'s output. */
export function decodeStreamJson(text: string): (TypedValue | null)[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MessageFormatException('a StreamMessage body is not JSON', { cause: e });
  }
  if (!Array.isArray(doc)) throw new MessageFormatException('a StreamMessage body is not a JSON array');
  return doc.map((field: unknown) => {
    if (!Array.isArray(field) || typeof field[0] !== 'string') {
      throw new MessageFormatException('a StreamMessage field is not ["type", value]');
    }
    if (field[0] === 'null') return null;
    if (!Object.hasOwn(XSTREAM_NAMES, field[0])) throw new MessageFormatException(`unknown StreamMessage field type "${field[0]}"`);
    return fromJson(field[0] as JavaType, field[1]);
  });
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch (e) {
    throw new MessageFormatException('a byte[] value is not base64', { cause: e });
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
