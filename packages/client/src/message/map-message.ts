import { MessageFormatException } from '../errors.js';
import { Message } from './message.js';
import { convert, inferTyped, toObject, typed, type JavaType, type JmsObject, type TypedValue } from './values.js';

/**
 * A message whose body is a set of named, Java-typed values (JMS `MapMessage`). Getters convert
 * per JMS 2.0 §3.11.3; a missing name reads like a null value (false, null, or NumberFormatException
 * for numbers).
 */
export class MapMessage extends Message {
  override readonly kind = 'map' as const;
  private entries = new Map<string, TypedValue | null>();

  getBoolean(name: string): boolean {
    return convert.toBoolean(this.entries.get(name) ?? null);
  }
  getByte(name: string): number {
    return convert.toByte(this.entries.get(name) ?? null);
  }
  getShort(name: string): number {
    return convert.toShort(this.entries.get(name) ?? null);
  }
  getChar(name: string): string {
    return convert.toChar(this.entries.get(name) ?? null);
  }
  getInt(name: string): number {
    return convert.toInt(this.entries.get(name) ?? null);
  }
  getLong(name: string): bigint {
    return convert.toLong(this.entries.get(name) ?? null);
  }
  getFloat(name: string): number {
    return convert.toFloat(this.entries.get(name) ?? null);
  }
  getDouble(name: string): number {
    return convert.toDouble(this.entries.get(name) ?? null);
  }
  getString(name: string): string | null {
    return convert.toString(this.entries.get(name) ?? null);
  }
  /** A copy of the byte[] entry; null when absent or null. */
  getBytes(name: string): Uint8Array | null {
    return convert.toBytes(this.entries.get(name) ?? null);
  }
  getObject(name: string): JmsObject {
    return toObject(this.entries.get(name) ?? null);
  }
  /** The entry's Java type; undefined when absent or null. */
  getType(name: string): JavaType | undefined {
    return this.entries.get(name)?.type;
  }
  /** Names of all entries. */
  getMapNames(): string[] {
    return [...this.entries.keys()];
  }
  itemExists(name: string): boolean {
    return this.entries.has(name);
  }

  setBoolean(name: string, value: boolean): void {
    this.put(name, typed('boolean', value));
  }
  setByte(name: string, value: number): void {
    this.put(name, typed('byte', value));
  }
  setShort(name: string, value: number): void {
    this.put(name, typed('short', value));
  }
  setChar(name: string, value: string): void {
    this.put(name, typed('char', value));
  }
  setInt(name: string, value: number): void {
    this.put(name, typed('int', value));
  }
  setLong(name: string, value: bigint | number): void {
    this.put(name, typed('long', value));
  }
  setFloat(name: string, value: number): void {
    this.put(name, typed('float', value));
  }
  setDouble(name: string, value: number): void {
    this.put(name, typed('double', value));
  }
  setString(name: string, value: string | null): void {
    this.put(name, value === null ? null : typed('string', value));
  }
  /** Copies `length` bytes of `value` from `offset`, as Java does. */
  setBytes(name: string, value: Uint8Array | null, offset = 0, length?: number): void {
    this.put(name, value === null ? null : typed('bytes', value.slice(offset, length === undefined ? undefined : offset + length)));
  }
  /** Infers the type as `Message.setObjectProperty` does; a Uint8Array is a byte[]. */
  setObject(name: string, value: boolean | number | bigint | string | Uint8Array | TypedValue | null): void {
    this.put(name, value === null ? null : inferTyped(value, true));
  }

  override clearBody(): void {
    super.clearBody();
    this.entries = new Map();
  }
  /** JMS 2.0 `getBody(Map.class)`: the entries as a plain object (long as bigint, byte[] copied). */
  override getBody(): Record<string, JmsObject> {
    const out: Record<string, JmsObject> = {};
    for (const [k, v] of this.entries) out[k] = toObject(v);
    return out;
  }

  /** @internal The entries as stored, for encoding. */
  typedEntries(): ReadonlyMap<string, TypedValue | null> {
    return this.entries;
  }
  /** @internal Stores a decoded entry. */
  setTypedEntry(name: string, value: TypedValue | null): void {
    this.entries.set(name, value);
  }

  private put(name: string, value: TypedValue | null): void {
    this.checkBodyWritable();
    if (typeof name !== 'string' || name.length === 0) {
      throw new MessageFormatException('a MapMessage entry name must not be empty');
    }
    this.entries.set(name, value);
  }
}
