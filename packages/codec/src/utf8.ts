import { StompCodecError } from './errors.js';

const encoder = new TextEncoder();
// fatal: STOMP 1.2 §Value Encoding requires UTF-8, and silently substituting U+FFFD would
// change destination or selector names. ignoreBOM: a leading EF BB BF is part of the value.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// String.fromCharCode.apply spreads its argument onto the stack; keep it well below engine limits.
const MAX_APPLY_LENGTH = 4096;

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8 strictly; invalid input throws {@link StompCodecError} `INVALID_UTF8`. */
export function utf8Decode(b: Uint8Array): string {
  try {
    return strictDecoder.decode(b);
  } catch {
    throw new StompCodecError('INVALID_UTF8', `${b.length} bytes are not valid UTF-8`);
  }
}

/**
 * Decodes `bytes[start, end)`. Header lines are nearly always ASCII, for which a plain
 * char-code conversion is far cheaper than a TextDecoder call.
 */
export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length <= MAX_APPLY_LENGTH) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return latin1(bytes, start, end);
  }
  return utf8Decode(bytes.subarray(start, end));
}

// Below this length, appending char by char beats creating a view for String.fromCharCode.apply.
const SHORT_TEXT = 24;

/** Each byte of `bytes[start, end)` as the code point of the same value (ISO-8859-1). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_TEXT) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  let s = '';
  for (let i = start; i < end; i += MAX_APPLY_LENGTH) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + MAX_APPLY_LENGTH)) as unknown as number[]);
  }
  return s;
}

/**
 * `bytes[start, end)` as text when it is all ASCII, else undefined: one native call for many
 * header lines. Valid UTF-8 decodes to fewer UTF-16 units than bytes exactly when some byte is
 * not ASCII; invalid UTF-8 throws in the strict decoder.
 */
export function asciiText(bytes: Uint8Array, start: number, end: number): string | undefined {
  let text: string;
  try {
    text = strictDecoder.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
  return text.length === end - start ? text : undefined;
}

/** Number of bytes TextEncoder produces for `s`, without encoding it. */
export function utf8Length(s: string): number {
  let length = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      length += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: two UTF-16 units, four UTF-8 bytes.
        length += 2;
        i++;
      } else {
        length += 2;
      }
    } else {
      // Other BMP characters and lone surrogates (written as U+FFFD) take three bytes.
      length += 2;
    }
  }
  return length;
}

/**
 * Writes `s` at the start of `target` when it is all ASCII and returns true; returns false
 * (with `target` partly written) otherwise. `target` must hold more than `s.length` bytes, so
 * that a non-ASCII character shows as more bytes written than characters read.
 */
export function asciiEncodeInto(s: string, target: Uint8Array): boolean {
  const result = encoder.encodeInto(s, target);
  return result.written === s.length && result.read === s.length;
}

/** Writes `s` as UTF-8 at the start of `target`, which must be exactly big enough. */
export function utf8EncodeInto(s: string, target: Uint8Array): void {
  encoder.encodeInto(s, target);
}

const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes bytes for an error message, where a replacement character beats a second error. */
export function previewText(b: Uint8Array): string {
  return lenientDecoder.decode(b);
}
