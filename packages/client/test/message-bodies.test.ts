import { describe, expect, it } from 'vitest';
import {
  BytesMessage,
  MapMessage,
  MessageEOFException,
  MessageFormatException,
  MessageNotReadableException,
  MessageNotWriteableException,
  NumberFormatException,
  ObjectMessage,
  StreamMessage,
} from '../src/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('BytesMessage is byte-compatible with java.io.DataOutputStream', () => {
  it('JMS 2.0 §3.11.3 BytesMessage: primitives are written big-endian like DataOutputStream', () => {
    const m = new BytesMessage();
    m.writeBoolean(true);
    m.writeByte(-1);
    m.writeShort(-2);
    m.writeChar('A');
    m.writeInt(1);
    m.writeLong(-2n);
    m.writeFloat(1.5);
    m.writeDouble(1);
    m.reset();
    expect(hex(m.getBody())).toBe(
      '01' + 'ff' + 'fffe' + '0041' + '00000001' + 'fffffffffffffffe' + '3fc00000' + '3ff0000000000000',
    );
  });
  it("JMS 2.0 §3.11.3 BytesMessage: writeUTF('héllo') is 00 06 68 c3 a9 6c 6c 6f as in Java", () => {
    const m = new BytesMessage();
    m.writeUTF('héllo');
    m.reset();
    expect(hex(m.getBody())).toBe('000668c3a96c6c6f');
  });
  it('JMS 2.0 §3.11.3 BytesMessage: writeUTF uses modified UTF-8 for NUL and supplementary characters', () => {
    const m = new BytesMessage();
    m.writeUTF('\u0000');
    m.writeUTF('😀');
    m.reset();
    expect(hex(m.getBody())).toBe('0002c080' + '0006eda0bdedb880');
    expect(m.readUTF()).toBe('\u0000');
    expect(m.readUTF()).toBe('😀');
  });
  it('JMS 2.0 §3.11.3 BytesMessage: Java-written bytes read back to the same values', () => {
    const m = new BytesMessage();
    m.writeBytes(Buffer.from('01' + 'ff' + 'fffe' + '0041' + '00000001' + '7fffffffffffffff' + '3fc00000' + '3ff0000000000000', 'hex'));
    m.reset();
    expect(m.readBoolean()).toBe(true);
    expect(m.readByte()).toBe(-1);
    expect(m.readShort()).toBe(-2);
    expect(m.readChar()).toBe('A');
    expect(m.readInt()).toBe(1);
    expect(m.readLong()).toBe(9223372036854775807n);
    expect(m.readFloat()).toBe(1.5);
    expect(m.readDouble()).toBe(1);
  });
  it('JMS 2.0 §3.11.3 BytesMessage: readBytes returns counts, then -1 at the end', () => {
    const m = new BytesMessage();
    m.writeBytes(new Uint8Array([1, 2, 3, 4, 5]), 1, 3);
    m.reset();
    expect(m.getBodyLength()).toBe(3);
    const buf = new Uint8Array(2);
    expect(m.readBytes(buf)).toBe(2);
    expect([...buf]).toEqual([2, 3]);
    expect(m.readBytes(buf)).toBe(1);
    expect(buf[0]).toBe(4);
    expect(m.readBytes(buf)).toBe(-1);
  });
  it('JMS 2.0 §3.11.3 BytesMessage: reading past the end throws MessageEOFException', () => {
    const m = new BytesMessage();
    m.writeShort(1);
    m.reset();
    expect(() => m.readInt()).toThrow(MessageEOFException);
    expect(m.readShort()).toBe(1);
    expect(() => m.readByte()).toThrow(MessageEOFException);
  });
  it('JMS 2.0 §3.11.3 BytesMessage: write-only until reset, then read-only until clearBody', () => {
    const m = new BytesMessage();
    m.writeInt(7);
    expect(() => m.readInt()).toThrow(MessageNotReadableException);
    expect(() => m.getBodyLength()).toThrow(MessageNotReadableException);
    m.reset();
    expect(() => m.writeInt(8)).toThrow(MessageNotWriteableException);
    expect(m.readInt()).toBe(7);
    m.reset();
    expect(m.readInt()).toBe(7);
    m.clearBody();
    m.writeInt(9);
    m.reset();
    expect(m.getBodyLength()).toBe(4);
  });
  it('JMS 2.0 §3.11.3 BytesMessage: a body grows past its first buffer without losing bytes', () => {
    const m = new BytesMessage();
    for (let i = 0; i < 1000; i++) m.writeInt(i);
    m.reset();
    expect(m.getBodyLength()).toBe(4000);
    for (let i = 0; i < 1000; i++) expect(m.readInt()).toBe(i);
  });
  it('JMS 2.0 §3.11.3 BytesMessage: out-of-range values are refused', () => {
    const m = new BytesMessage();
    expect(() => m.writeByte(200)).toThrow(MessageFormatException);
    expect(() => m.writeShort(40000)).toThrow(MessageFormatException);
    expect(() => m.writeChar('ab')).toThrow(MessageFormatException);
    expect(() => m.writeUTF('x'.repeat(65536))).toThrow(MessageFormatException);
    m.reset();
    expect(m.getBodyLength()).toBe(0);
  });
});

describe('StreamMessage', () => {
  function stream(write: (m: StreamMessage) => void): StreamMessage {
    const m = new StreamMessage();
    write(m);
    m.reset();
    return m;
  }
  it('JMS 2.0 §3.11.3: conversions follow the table (short reads as int, long, String)', () => {
    const m = stream((s) => s.writeShort(12));
    expect(() => m.readByte()).toThrow(MessageFormatException);
    expect(m.readLong()).toBe(12n);
    m.reset();
    expect(m.readString()).toBe('12');
  });
  it('JMS 2.0 §3.11.3: a failed conversion does not move the position', () => {
    const m = stream((s) => {
      s.writeString('abc');
      s.writeInt(5);
    });
    expect(() => m.readInt()).toThrow(NumberFormatException);
    expect(() => m.readChar()).toThrow(MessageFormatException);
    expect(m.readString()).toBe('abc');
    expect(m.readInt()).toBe(5);
  });
  it('JMS 2.0 §3.11.3: char reads only as char or String; String never as char', () => {
    const m = stream((s) => {
      s.writeChar('x');
      s.writeString('y');
    });
    expect(() => m.readInt()).toThrow(MessageFormatException);
    expect(m.readChar()).toBe('x');
    expect(() => m.readChar()).toThrow(MessageFormatException);
    expect(m.readString()).toBe('y');
  });
  it('JMS 2.0 §3.11.3: float widens to double; double never narrows', () => {
    const m = stream((s) => {
      s.writeFloat(0.1);
      s.writeDouble(0.1);
    });
    expect(m.readDouble()).toBe(Math.fround(0.1));
    expect(() => m.readFloat()).toThrow(MessageFormatException);
    expect(m.readDouble()).toBe(0.1);
  });
  it('JMS 2.0 §3.11.3: String converts to boolean and numbers', () => {
    const m = stream((s) => {
      s.writeString('true');
      s.writeString('-7');
      s.writeString('1.5');
    });
    expect(m.readBoolean()).toBe(true);
    expect(m.readByte()).toBe(-7);
    expect(m.readFloat()).toBe(1.5);
  });
  it('JMS 2.0 §3.11.3: a null field reads as null, false, or NumberFormatException', () => {
    const m = stream((s) => {
      s.writeString(null);
      s.writeObject(null);
    });
    expect(() => m.readInt()).toThrow(NumberFormatException);
    expect(m.readString()).toBeNull();
    expect(m.readBoolean()).toBe(false);
  });
  it('JMS 2.0 §3.11.3: reading past the last field throws MessageEOFException', () => {
    const m = stream((s) => s.writeBoolean(true));
    expect(m.readObject()).toBe(true);
    expect(() => m.readBoolean()).toThrow(MessageEOFException);
    expect(() => m.readBytes(new Uint8Array(1))).toThrow(MessageEOFException);
  });
  it('JMS 2.0 StreamMessage.readBytes: a field is read piecewise, then -1; null gives -1, empty gives 0', () => {
    const m = stream((s) => {
      s.writeBytes(new Uint8Array([1, 2, 3, 4]));
      s.writeObject(null);
      s.writeBytes(new Uint8Array(0));
      s.writeBytes(new Uint8Array([9]));
      s.writeInt(1);
    });
    const buf = new Uint8Array(2);
    expect(m.readBytes(buf)).toBe(2);
    expect(() => m.readInt()).toThrow(MessageFormatException);
    expect(m.readBytes(buf)).toBe(2);
    expect([...buf]).toEqual([3, 4]);
    expect(m.readBytes(buf)).toBe(-1);
    expect(m.readBytes(buf)).toBe(-1); // the null field
    expect(m.readBytes(buf)).toBe(0); // the empty field
    expect(m.readBytes(buf)).toBe(1); // shorter than the buffer: field done
    expect(m.readInt()).toBe(1);
  });
  it('JMS 2.0 §3.11.3: byte[] reads only as byte[]; readObject gives a copy', () => {
    const m = stream((s) => s.writeBytes(new Uint8Array([1])));
    expect(() => m.readString()).toThrow(MessageFormatException);
    const o = m.readObject() as Uint8Array;
    expect([...o]).toEqual([1]);
  });
  it('JMS 2.0 §3.11.3: write-only before reset and read-only after it', () => {
    const m = new StreamMessage();
    m.writeInt(1);
    expect(() => m.readInt()).toThrow(MessageNotReadableException);
    m.reset();
    expect(() => m.writeInt(2)).toThrow(MessageNotWriteableException);
    m.clearBody();
    expect(() => m.readInt()).toThrow(MessageNotReadableException);
  });
});

describe('MapMessage', () => {
  it('JMS 2.0 §3.11.3: typed entries convert like StreamMessage fields', () => {
    const m = new MapMessage();
    m.setByte('b', 1);
    m.setLong('l', 2n ** 60n);
    m.setFloat('f', 0.5);
    m.setChar('c', 'z');
    m.setString('s', '12');
    m.setBytes('raw', new Uint8Array([1, 2, 3]), 1, 2);
    m.setBoolean('t', true);
    expect(m.getLong('b')).toBe(1n);
    expect(m.getString('l')).toBe('1152921504606846976');
    expect(() => m.getInt('l')).toThrow(MessageFormatException);
    expect(m.getDouble('f')).toBe(0.5);
    expect(m.getChar('c')).toBe('z');
    expect(() => m.getChar('s')).toThrow(MessageFormatException);
    expect(m.getShort('s')).toBe(12);
    expect([...m.getBytes('raw')!]).toEqual([2, 3]);
    expect(() => m.getString('raw')).toThrow(MessageFormatException);
    expect(m.getString('t')).toBe('true');
    expect(m.getMapNames().sort()).toEqual(['b', 'c', 'f', 'l', 'raw', 's', 't']);
    expect(m.itemExists('x')).toBe(false);
  });
  it('JMS 2.0 §3.11.3: a missing entry reads as null', () => {
    const m = new MapMessage();
    expect(m.getString('x')).toBeNull();
    expect(m.getBytes('x')).toBeNull();
    expect(m.getBoolean('x')).toBe(false);
    expect(() => m.getInt('x')).toThrow(NumberFormatException);
  });
  it('JMS 2.0 §3.11.2: a received MapMessage is read-only until clearBody', () => {
    const m = new MapMessage();
    m.setInt('a', 1);
    m.markReceived();
    expect(() => m.setInt('b', 1)).toThrow(MessageNotWriteableException);
    m.clearBody();
    expect(m.itemExists('a')).toBe(false);
    m.setInt('b', 1);
  });
});

describe('ObjectMessage', () => {
  it('JMS 2.0 §3.13 ObjectMessage: the object is serialised on set, so later changes are not seen', () => {
    const o = { a: [1, 2], b: 'x' };
    const m = new ObjectMessage(o);
    o.b = 'changed';
    expect(m.getObject()).toEqual({ a: [1, 2], b: 'x' });
  });
  it('JMS 2.0 §3.13 ObjectMessage: a value JSON cannot hold is refused', () => {
    expect(() => new ObjectMessage({ n: 1n })).toThrow(MessageFormatException);
  });
});
