/**
 * Java's "modified UTF-8" (the `DataOutput.writeUTF` encoding): U+0000 is two bytes (C0 80) and
 * characters outside the BMP are written as their two UTF-16 surrogates, three bytes each.
 * @packageDocumentation
 */
import { MessageFormatException } from '../errors.js';

/** Number of bytes `s` takes in modified UTF-8. */
export function modifiedUtf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c >= 1 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
  }
  return n;
}

/** Writes `s` in modified UTF-8 at `offset` of `out` (which must have room) and returns the new offset. */
export function writeModifiedUtf8(s: string, out: Uint8Array, offset: number): number {
  let p = offset;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c <= 0x7f) {
      out[p++] = c;
    } else if (c <= 0x7ff) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/** Decodes `length` bytes of modified UTF-8; malformed input throws MessageFormatException (Java's UTFDataFormatException). */
export function readModifiedUtf8(bytes: Uint8Array, offset: number, length: number): string {
  const end = offset + length;
  const units: number[] = [];
  let p = offset;
  while (p < end) {
    const a = bytes[p]!;
    if (a < 0x80) {
      units.push(a);
      p += 1;
    } else if ((a & 0xe0) === 0xc0) {
      if (p + 1 >= end || (bytes[p + 1]! & 0xc0) !== 0x80) throw malformed(p);
      units.push(((a & 0x1f) << 6) | (bytes[p + 1]! & 0x3f));
      p += 2;
    } else if ((a & 0xf0) === 0xe0) {
      if (p + 2 >= end || (bytes[p + 1]! & 0xc0) !== 0x80 || (bytes[p + 2]! & 0xc0) !== 0x80) throw malformed(p);
      units.push(((a & 0x0f) << 12) | ((bytes[p + 1]! & 0x3f) << 6) | (bytes[p + 2]! & 0x3f));
      p += 3;
    } else {
      throw malformed(p);
    }
  }
  // Chunked so a long string does not exceed the engine's argument limit.
  let s = '';
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.slice(i, i + 8192));
  return s;
}

function malformed(at: number): MessageFormatException {
  return new MessageFormatException(`malformed modified UTF-8 at byte ${at}`, { code: 'UTF_DATA_FORMAT' });
}
