/**
 * How JMS message properties and header fields travel in STOMP frames, and a
 * {@link PropertySource} that reads them back for selector evaluation.
 *
 * ## Wire mapping (shared by the broker and the JMS client)
 *
 * - Every JMS property travels as a STOMP header with a string value.
 * - Properties that are not JMS Strings are listed in ONE header, `jms-prop-types`, as
 *   comma-separated `name=type` pairs, type being `boolean`, `byte`, `short`, `int`, `long`,
 *   `float` or `double`. A property absent from the list is a String. A JMS-aware producer sends
 *   the header on every message that has properties, empty when all of them are Strings: a frame
 *   WITHOUT the header is taken to come from a plain STOMP client whose headers are untyped
 *   strings (see {@link UntypedString}).
 * - Values: booleans `true` / `false`; byte/short/int/long in decimal (long is a `bigint` in
 *   JavaScript); float/double as JavaScript `String(n)`, so `NaN`, `Infinity` and `-Infinity`
 *   are allowed.
 * - JMS header fields map to STOMP headers as in ActiveMQ (see {@link JMS_HEADER_FIELDS}).
 *
 * Example `SEND` frame carrying `weight` (int), `rush` (boolean) and `colour` (String):
 *
 * ```text
 * SEND
 * destination:/queue/orders
 * weight:12
 * rush:true
 * colour:red
 * jms-prop-types:weight=int,rush=boolean
 *
 * ...body...^@
 * ```
 *
 * @packageDocumentation
 */
import { InvalidPropertyTypesError, InvalidPropertyValueError } from './errors.js';
import { parseNumericText, UntypedString, type PropertySource, type SelectorValue } from './values.js';

/** Name of the STOMP header that declares the JMS types of non-String properties. */
export const PROPERTY_TYPES_HEADER = 'jms-prop-types';

/** JMS property types that need a declaration in {@link PROPERTY_TYPES_HEADER}. */
export type JmsPropertyType = 'boolean' | 'byte' | 'short' | 'int' | 'long' | 'float' | 'double';

/** STOMP headers as the codec hands them over (its `StompHeaders` fits). */
export type HeaderRecord = Readonly<Record<string, string>>;

const PROPERTY_TYPES: ReadonlySet<string> = new Set(['boolean', 'byte', 'short', 'int', 'long', 'float', 'double']);

/** True when `value` names a {@link JmsPropertyType}. */
export function isJmsPropertyType(value: string): value is JmsPropertyType {
  return PROPERTY_TYPES.has(value);
}

/**
 * Builds the value of the `jms-prop-types` header, e.g. `weight=int,rush=boolean`.
 * @throws {@link InvalidPropertyTypesError} for a name containing `,` or `=` (it could not be
 * read back), an empty name, or an unknown type.
 */
export function encodePropertyTypes(types: Iterable<readonly [string, JmsPropertyType]>): string {
  let out = '';
  for (const [name, type] of types) {
    if (name.length === 0 || name.includes(',') || name.includes('=')) {
      throw new InvalidPropertyTypesError(`property name ${JSON.stringify(name)} cannot be declared in ${PROPERTY_TYPES_HEADER}`);
    }
    if (!isJmsPropertyType(type)) {
      throw new InvalidPropertyTypesError(`unknown JMS property type ${JSON.stringify(type)} for property ${JSON.stringify(name)}`);
    }
    out += out.length === 0 ? `${name}=${type}` : `,${name}=${type}`;
  }
  return out;
}

/**
 * Reads the `jms-prop-types` header. Blanks around entries are tolerated; an empty value
 * declares nothing.
 * @throws {@link InvalidPropertyTypesError} (code `INVALID_PROPERTY_TYPES`) on an entry without
 * `=`, an empty name, an unknown type or a name declared twice.
 */
export function parsePropertyTypes(value: string): Map<string, JmsPropertyType> {
  const types = new Map<string, JmsPropertyType>();
  if (value.trim().length === 0) return types;
  for (const entry of value.split(',')) {
    const eq = entry.indexOf('=');
    if (eq < 0) throw new InvalidPropertyTypesError(`${PROPERTY_TYPES_HEADER} entry ${JSON.stringify(entry)} is not name=type`);
    const name = entry.slice(0, eq).trim();
    const type = entry.slice(eq + 1).trim();
    if (name.length === 0) throw new InvalidPropertyTypesError(`${PROPERTY_TYPES_HEADER} entry ${JSON.stringify(entry)} has no name`);
    if (!isJmsPropertyType(type)) {
      throw new InvalidPropertyTypesError(`${PROPERTY_TYPES_HEADER} entry ${JSON.stringify(entry)} has unknown type ${JSON.stringify(type)}`);
    }
    if (types.has(name)) throw new InvalidPropertyTypesError(`${PROPERTY_TYPES_HEADER} declares ${JSON.stringify(name)} twice`);
    types.set(name, type);
  }
  return types;
}

const INT_RANGES = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
} as const;
const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

function isDecimalInteger(raw: string): boolean {
  const start = raw.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (raw.length === start) return false;
  for (let i = start; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Non-throwing decoder used on the dispatch path; `undefined` when the text is not of the type. */
export function tryDecodeTypedValue(raw: string, type: JmsPropertyType): boolean | number | bigint | undefined {
  switch (type) {
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return undefined;
    case 'byte':
    case 'short':
    case 'int': {
      if (!isDecimalInteger(raw) || raw.length > 11) return undefined;
      const n = Number(raw);
      const [min, max] = INT_RANGES[type];
      return n >= min && n <= max ? n : undefined;
    }
    case 'long': {
      if (!isDecimalInteger(raw) || raw.length > 20) return undefined;
      const n = BigInt(raw);
      return n >= LONG_MIN && n <= LONG_MAX ? n : undefined;
    }
    case 'float':
    case 'double': {
      if (raw === 'NaN') return NaN;
      if (raw === 'Infinity') return Infinity;
      if (raw === '-Infinity') return -Infinity;
      const n = parseNumericText(raw);
      return n === undefined ? undefined : Number(n);
    }
  }
}

/**
 * Decodes a header value declared in `jms-prop-types`: `boolean` gives a boolean,
 * `byte`/`short`/`int`/`float`/`double` a number, `long` a bigint.
 * @throws {@link InvalidPropertyValueError} (code `INVALID_PROPERTY_VALUE`) when the text is not
 * a value of that type (including out-of-range integers).
 */
export function decodeTypedValue(raw: string, type: JmsPropertyType): boolean | number | bigint {
  const value = tryDecodeTypedValue(raw, type);
  if (value === undefined) throw new InvalidPropertyValueError(`${JSON.stringify(raw)} is not a valid JMS ${type}`);
  return value;
}

/**
 * JMS header fields usable in selectors and the STOMP header each one is read from, as in
 * ActiveMQ's STOMP transport.
 */
export const JMS_HEADER_FIELDS: ReadonlyMap<string, string> = new Map([
  ['JMSMessageID', 'message-id'],
  ['JMSCorrelationID', 'correlation-id'],
  ['JMSType', 'type'],
  ['JMSPriority', 'priority'],
  ['JMSTimestamp', 'timestamp'],
  ['JMSDeliveryMode', 'persistent'],
  ['JMSExpiration', 'expires'],
  ['JMSRedelivered', 'redelivered'],
  ['JMSXDeliveryCount', 'JMSXDeliveryCount'],
  ['JMSXGroupID', 'JMSXGroupID'],
  ['JMSXGroupSeq', 'JMSXGroupSeq'],
  ['JMSReplyTo', 'reply-to'],
  ['JMSDestination', 'destination'],
]);

/** JMS default priority (JMS 2.0 §3.4.10) when the `priority` header is absent. */
const DEFAULT_PRIORITY = 4;

function header(headers: HeaderRecord, name: string): string | undefined {
  const raw = headers[name];
  // A plain object inherits `constructor`, `toString`...: only own string values are headers.
  return typeof raw === 'string' ? raw : undefined;
}

function longHeader(raw: string | undefined): number | bigint | undefined {
  if (raw === undefined) return undefined;
  // Fast path for today's millisecond timestamps: 15 digits always fit a double exactly.
  if (raw.length <= 15 && isDecimalInteger(raw)) return Number(raw);
  const n = tryDecodeTypedValue(raw, 'long');
  if (typeof n !== 'bigint') return undefined;
  // Timestamps and expirations fit a double; returning a number avoids a bigint per lookup.
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

type FieldReader = (headers: HeaderRecord) => SelectorValue | undefined;

const stringField = (stomp: string): FieldReader => (h) => header(h, stomp);
const intField = (stomp: string): FieldReader => (h) => {
  const raw = header(h, stomp);
  return raw === undefined ? undefined : (tryDecodeTypedValue(raw, 'int') as number | undefined);
};

const FIELD_READERS: ReadonlyMap<string, FieldReader> = new Map<string, FieldReader>([
  ['JMSMessageID', stringField('message-id')],
  ['JMSCorrelationID', stringField('correlation-id')],
  ['JMSType', stringField('type')],
  [
    'JMSPriority',
    (h) => {
      const raw = header(h, 'priority');
      const n = raw === undefined ? undefined : tryDecodeTypedValue(raw, 'int');
      return typeof n === 'number' ? n : DEFAULT_PRIORITY;
    },
  ],
  ['JMSTimestamp', (h) => longHeader(header(h, 'timestamp'))],
  ['JMSDeliveryMode', (h) => (header(h, 'persistent') === 'true' ? 'PERSISTENT' : 'NON_PERSISTENT')],
  ['JMSExpiration', (h) => longHeader(header(h, 'expires')) ?? 0],
  ['JMSRedelivered', (h) => header(h, 'redelivered') === 'true'],
  ['JMSXDeliveryCount', intField('JMSXDeliveryCount')],
  ['JMSXGroupID', stringField('JMSXGroupID')],
  ['JMSXGroupSeq', intField('JMSXGroupSeq')],
  ['JMSReplyTo', stringField('reply-to')],
  ['JMSDestination', stringField('destination')],
]);

const EMPTY_HEADERS: HeaderRecord = Object.freeze(Object.create(null) as Record<string, string>);
/** Bounds the wrapper cache when callers look up arbitrary names. */
const MAX_CACHED_WRAPPERS = 1024;

/**
 * Reads JMS header fields and properties from STOMP headers for selector evaluation.
 *
 * The broker keeps ONE instance per dispatch loop and calls {@link StompPropertySource.reset}
 * for each message; steady-state lookups allocate nothing:
 * - JMS header fields (`JMSPriority`, `JMSTimestamp`, ...) are decoded from their STOMP headers
 *   with JMS defaults (priority 4, expiration 0, NON_PERSISTENT, not redelivered).
 * - Other names are looked up as headers. `jms-prop-types` is parsed only when such a header
 *   exists, once per message, and the parsed map is reused while consecutive messages carry the
 *   same declaration text.
 * - A declared property whose text does not read as its type is NULL.
 * - When the frame carries `jms-prop-types` (even empty), it comes from a JMS-aware producer:
 *   an undeclared header is a typed JMS String with strict JMS rules.
 * - When the frame has no `jms-prop-types` (a plain STOMP client) or a malformed one, every
 *   header is an {@link UntypedString}, so `weight > 10` matches `weight:12` as in ActiveMQ's
 *   `convert_string_expressions`. The wrapper objects are reused: a value returned by `get` is
 *   valid until the next `reset`.
 */
export class StompPropertySource implements PropertySource {
  private headers: HeaderRecord = EMPTY_HEADERS;
  private typesChecked = false;
  /** Declarations of the current message; `undefined` for a plain STOMP frame. */
  private types: ReadonlyMap<string, JmsPropertyType> | undefined;
  /** Last declaration text parsed and its result, reused while producers repeat it. */
  private typesText: string | undefined;
  private lastParsed: ReadonlyMap<string, JmsPropertyType> | undefined;
  private readonly wrappers = new Map<string, UntypedString>();

  constructor(headers?: HeaderRecord) {
    if (headers) this.reset(headers);
  }

  /** Points the source at the next message's headers. */
  reset(headers: HeaderRecord): this {
    this.headers = headers;
    this.typesChecked = false;
    return this;
  }

  get(name: string): SelectorValue | UntypedString | undefined {
    const field = FIELD_READERS.get(name);
    if (field !== undefined) return field(this.headers);
    const raw = header(this.headers, name);
    if (raw === undefined) return undefined;
    const types = this.declaredTypes();
    if (types === undefined) return this.untyped(name, raw);
    const type = types.get(name);
    return type === undefined ? raw : (tryDecodeTypedValue(raw, type) ?? null);
  }

  /** The frame's type declarations, or `undefined` when the frame is from a plain STOMP client. */
  private declaredTypes(): ReadonlyMap<string, JmsPropertyType> | undefined {
    if (!this.typesChecked) {
      this.typesChecked = true;
      const text = header(this.headers, PROPERTY_TYPES_HEADER);
      if (text === undefined) {
        this.types = undefined;
      } else if (text !== this.typesText) {
        try {
          this.types = parsePropertyTypes(text);
        } catch {
          this.types = undefined;
        }
      } else {
        this.types = this.lastParsed;
      }
      if (text !== undefined) {
        this.typesText = text;
        this.lastParsed = this.types;
      }
    }
    return this.types;
  }

  private untyped(name: string, raw: string): UntypedString {
    let wrapper = this.wrappers.get(name);
    if (wrapper === undefined) {
      wrapper = new UntypedString(raw);
      if (this.wrappers.size < MAX_CACHED_WRAPPERS) this.wrappers.set(name, wrapper);
    } else {
      wrapper.value = raw;
    }
    return wrapper;
  }
}
