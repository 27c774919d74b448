import {
  MessageEOFException,
  MessageFormatException,
  MessageNotReadableException,
  MessageNotWriteableException,
} from '../errors.js';
import { Message } from './message.js';
import { convert, inferTyped, toObject, typed, type JmsObject, type TypedValue } from './values.js';

/** No byte[] field is being read piecewise. */
const NOT_IN_BYTES = -1;

/**
 * A message whose body is a sequence of Java-typed values (JMS `StreamMessage`). Reads convert per
 * the JMS 2.0 §3.11.3 table; a read that throws MessageFormatException or NumberFormatException
 * leaves the position where it was so the field can be read again as another type.
 *
 * A new message is write-only; `reset()` switches it to read mode. A received message is read-only
 * until `clearBody()`.
 */
export class StreamMessage extends Message {
  override readonly kind = 'stream' as const;
  private fields: (TypedValue | null)[] = [];
  private index = 0;
  private bytesOffset = NOT_IN_BYTES;
  private readMode = false;

  writeBoolean(value: boolean): void {
    this.push(typed('boolean', value));
  }
  writeByte(value: number): void {
    this.push(typed('byte', value));
  }
  writeShort(value: number): void {
    this.push(typed('short', value));
  }
  writeChar(value: string): void {
    this.push(typed('char', value));
  }
  writeInt(value: number): void {
    this.push(typed('int', value));
  }
  writeLong(value: bigint | number): void {
    this.push(typed('long', value));
  }
  writeFloat(value: number): void {
    this.push(typed('float', value));
  }
  writeDouble(value: number): void {
    this.push(typed('double', value));
  }
  writeString(value: string | null): void {
    this.push(value === null ? null : typed('string', value));
  }
  /** Writes one byte[] field holding a copy of `length` bytes from `offset`. */
  writeBytes(value: Uint8Array, offset = 0, length = value.length - offset): void {
    this.push(typed('bytes', value.slice(offset, offset + length)));
  }
  /** Infers the type as `Message.setObjectProperty` does; a Uint8Array is a byte[]. */
  writeObject(value: boolean | number | bigint | string | Uint8Array | TypedValue | null): void {
    this.push(value === null ? null : inferTyped(value, true));
  }

  /** Switches to read mode at the first field. */
  reset(): void {
    this.readMode = true;
    this.index = 0;
    this.bytesOffset = NOT_IN_BYTES;
  }

  readBoolean(): boolean {
    return this.read(convert.toBoolean);
  }
  readByte(): number {
    return this.read(convert.toByte);
  }
  readShort(): number {
    return this.read(convert.toShort);
  }
  readChar(): string {
    return this.read(convert.toChar);
  }
  readInt(): number {
    return this.read(convert.toInt);
  }
  readLong(): bigint {
    return this.read(convert.toLong);
  }
  readFloat(): number {
    return this.read(convert.toFloat);
  }
  readDouble(): number {
    return this.read(convert.toDouble);
  }
  readString(): string | null {
    return this.read(convert.toString);
  }
  /** The next field as stored (long as bigint, byte[] as a copy). */
  readObject(): JmsObject {
    return this.read(toObject);
  }
  /**
   * Reads a byte[] field into `buffer` (JMS `readBytes`): returns the number of bytes copied; when
   * that equals `buffer.length` call again for the rest, until it returns -1. A null field returns
   * -1 and an empty one 0.
   */
  readBytes(buffer: Uint8Array): number {
    this.checkReadable();
    if (this.bytesOffset === NOT_IN_BYTES) {
      if (this.index >= this.fields.length) throw new MessageEOFException('no more fields in the stream');
      const field = this.fields[this.index]!;
      if (field === null) {
        this.index++;
        return -1;
      }
      if (field.type !== 'bytes') throw new MessageFormatException(`a ${field.type} field cannot be read as byte[]`);
      if (field.value.length === 0) {
        this.index++;
        return 0;
      }
      this.bytesOffset = 0;
    }
    const data = (this.fields[this.index] as { value: Uint8Array }).value;
    const remaining = data.length - this.bytesOffset;
    if (remaining === 0) {
      this.finishField();
      return -1;
    }
    const n = Math.min(remaining, buffer.length);
    buffer.set(data.subarray(this.bytesOffset, this.bytesOffset + n));
    this.bytesOffset += n;
    if (n < buffer.length) this.finishField();
    return n;
  }

  override clearBody(): void {
    super.clearBody();
    this.fields = [];
    this.readMode = false;
    this.index = 0;
    this.bytesOffset = NOT_IN_BYTES;
  }
  /** JMS 2.0 forbids `getBody` on a StreamMessage (§3.11.2); this throws MessageFormatException. */
  override getBody(): never {
    throw new MessageFormatException('getBody is not supported for StreamMessage');
  }

  /** @internal The fields as stored, for encoding. */
  typedFields(): readonly (TypedValue | null)[] {
    return this.fields;
  }
  /** @internal Installs decoded fields and enters read mode. */
  adoptFields(fields: (TypedValue | null)[]): void {
    this.fields = fields;
    this.reset();
  }

  private read<T>(conversion: (v: TypedValue | null) => T): T {
    this.checkReadable();
    if (this.bytesOffset !== NOT_IN_BYTES) {
      throw new MessageFormatException('a byte[] field is partly read; finish it with readBytes');
    }
    if (this.index >= this.fields.length) throw new MessageEOFException('no more fields in the stream');
    const value = conversion(this.fields[this.index]!);
    this.index++;
    return value;
  }
  private finishField(): void {
    this.index++;
    this.bytesOffset = NOT_IN_BYTES;
  }
  private push(value: TypedValue | null): void {
    this.checkBodyWritable();
    if (this.readMode) throw new MessageNotWriteableException('the message is in read-only mode; call clearBody() to write');
    this.fields.push(value);
  }
  private checkReadable(): void {
    if (!this.readMode) throw new MessageNotReadableException('the message is write-only; call reset() to read it');
  }
}
