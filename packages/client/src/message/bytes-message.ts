import {
  MessageEOFException,
  MessageFormatException,
  MessageNotReadableException,
  MessageNotWriteableException,
} from '../errors.js';
import { Message } from './message.js';
import { modifiedUtf8Length, readModifiedUtf8, writeModifiedUtf8 } from './modified-utf8.js';
import { checkIntegral, checkLong } from './values.js';

/**
 * A message whose body is a stream of bytes (JMS `BytesMessage`), written and read big-endian
 * exactly like Java's `DataOutputStream` / `DataInputStream`, so a Java consumer reads what a
 * TypeScript producer wrote with the same calls, and vice versa.
 *
 * A new message is write-only; `reset()` switches it to read-only from the start. A received
 * message is read-only until `clearBody()`.
 */
export class BytesMessage extends Message {
  override readonly kind = 'bytes' as const;
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written (write mode) or body length (read mode). */
  private length = 0;
  private pos = 0;
  private readMode = false;

  constructor() {
    super();
    this.buf = new Uint8Array(64);
    this.view = new DataView(this.buf.buffer);
  }

  // ---- writing -------------------------------------------------------------------------------

  writeBoolean(value: boolean): void {
    this.reserve(1)[0] = value ? 1 : 0;
  }
  /** -128..127. */
  writeByte(value: number): void {
    const v = checkIntegral('byte', value);
    const p = this.at(1);
    this.view.setInt8(p, v);
  }
  /** -32768..32767. */
  writeShort(value: number): void {
    const v = checkIntegral('short', value);
    const p = this.at(2);
    this.view.setInt16(p, v);
  }
  /** One UTF-16 code unit, two bytes. */
  writeChar(value: string): void {
    if (typeof value !== 'string' || value.length !== 1) {
      throw new MessageFormatException('a Java char is a string of exactly one UTF-16 code unit');
    }
    const p = this.at(2);
    this.view.setUint16(p, value.charCodeAt(0));
  }
  writeInt(value: number): void {
    const v = checkIntegral('int', value);
    const p = this.at(4);
    this.view.setInt32(p, v);
  }
  /** A Java long, as a bigint. */
  writeLong(value: bigint): void {
    const v = checkLong(value);
    const p = this.at(8);
    this.view.setBigInt64(p, v);
  }
  writeFloat(value: number): void {
    const p = this.at(4);
    this.view.setFloat32(p, value);
  }
  writeDouble(value: number): void {
    const p = this.at(8);
    this.view.setFloat64(p, value);
  }
  /** A two-byte length then Java modified UTF-8, as `DataOutputStream.writeUTF`; at most 65535 bytes. */
  writeUTF(value: string): void {
    const n = modifiedUtf8Length(value);
    if (n > 0xffff) throw new MessageFormatException(`encoded string too long: ${n} bytes (at most 65535)`);
    const p = this.at(2 + n);
    this.view.setUint16(p, n);
    writeModifiedUtf8(value, this.buf, p + 2);
  }
  /** Writes `length` bytes of `value` from `offset`. */
  writeBytes(value: Uint8Array, offset = 0, length = value.length - offset): void {
    if (offset < 0 || length < 0 || offset + length > value.length) {
      throw new RangeError(`offset ${offset} and length ${length} are outside the array of ${value.length}`);
    }
    const p = this.at(length);
    this.buf.set(value.subarray(offset, offset + length), p);
  }
  /** Writes a boolean, number (as double), bigint (as long), string (as UTF) or Uint8Array. */
  writeObject(value: boolean | number | bigint | string | Uint8Array): void {
    if (typeof value === 'boolean') this.writeBoolean(value);
    else if (typeof value === 'number') this.writeDouble(value);
    else if (typeof value === 'bigint') this.writeLong(value);
    else if (typeof value === 'string') this.writeUTF(value);
    else if (value instanceof Uint8Array) this.writeBytes(value);
    else throw new MessageFormatException('writeObject accepts boolean, number, bigint, string or Uint8Array');
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Switches to read mode at the start of the body (JMS `reset()`). */
  reset(): void {
    this.readMode = true;
    this.pos = 0;
  }
  /** The body length in bytes; only in read mode. */
  getBodyLength(): number {
    this.checkReadable();
    return this.length;
  }
  readBoolean(): boolean {
    return this.buf[this.take(1)] !== 0;
  }
  readByte(): number {
    return this.view.getInt8(this.take(1));
  }
  readUnsignedByte(): number {
    return this.view.getUint8(this.take(1));
  }
  readShort(): number {
    return this.view.getInt16(this.take(2));
  }
  readUnsignedShort(): number {
    return this.view.getUint16(this.take(2));
  }
  readChar(): string {
    return String.fromCharCode(this.view.getUint16(this.take(2)));
  }
  readInt(): number {
    return this.view.getInt32(this.take(4));
  }
  readLong(): bigint {
    return this.view.getBigInt64(this.take(8));
  }
  readFloat(): number {
    return this.view.getFloat32(this.take(4));
  }
  readDouble(): number {
    return this.view.getFloat64(this.take(8));
  }
  readUTF(): string {
    this.checkReadable();
    if (this.pos + 2 > this.length) throw eof();
    const n = this.view.getUint16(this.pos);
    if (this.pos + 2 + n > this.length) throw eof();
    const s = readModifiedUtf8(this.buf, this.pos + 2, n);
    this.pos += 2 + n;
    return s;
  }
  /**
   * Reads up to `length` (default: `buffer.length`) bytes into `buffer`; returns how many were read,
   * or -1 at the end of the body (JMS `readBytes`).
   */
  readBytes(buffer: Uint8Array, length = buffer.length): number {
    this.checkReadable();
    if (length < 0 || length > buffer.length) throw new RangeError(`length ${length} exceeds the buffer`);
    const remaining = this.length - this.pos;
    if (remaining === 0) return length === 0 ? 0 : -1;
    const n = Math.min(remaining, length);
    buffer.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return n;
  }

  override clearBody(): void {
    super.clearBody();
    this.buf = new Uint8Array(64);
    this.view = new DataView(this.buf.buffer);
    this.length = 0;
    this.pos = 0;
    this.readMode = false;
  }
  /** JMS 2.0 `getBody(byte[].class)`: a copy of the whole body, whatever the read position. */
  override getBody(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** @internal The body bytes without copying, for the wire. */
  bodyView(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  /** @internal Adopts received bytes (no copy) and enters read mode. */
  adoptBody(bytes: Uint8Array): void {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.length;
    this.reset();
  }

  /** Reserves `n` bytes at the end, growing the buffer by doubling; returns their offset. */
  private at(n: number): number {
    this.checkBodyWritable();
    if (this.readMode) {
      throw new MessageNotWriteableException('the message is in read-only mode; call clearBody() to write');
    }
    const p = this.length;
    const need = p + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, p));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = need;
    return p;
  }
  private reserve(n: number): Uint8Array {
    const p = this.at(n);
    return this.buf.subarray(p, p + n);
  }
  private take(n: number): number {
    this.checkReadable();
    if (this.pos + n > this.length) throw eof();
    const p = this.pos;
    this.pos += n;
    return p;
  }
  private checkReadable(): void {
    if (!this.readMode) throw new MessageNotReadableException('the message is write-only; call reset() to read it');
  }
}

function eof(): MessageEOFException {
  return new MessageEOFException('unexpected end of the message body');
}
