/**
 * MESSAGE frames written without building header objects or strings per delivery.
 *
 * A subscription's `MESSAGE` and `subscription` lines are encoded once per subscription. A
 * message's own header lines (`message-id`, `destination`, the producer's headers,
 * `content-length`) are written straight into the frame on its first delivery, which for most
 * queue messages is the only one; from the second delivery on (topic subscribers, redeliveries)
 * they are copied from bytes cached on the message. Each delivery then only adds its ack id and
 * delivery count. ASCII text is escaped here; anything else goes through the codec, which also
 * rejects what a version cannot carry.
 * @packageDocumentation
 */
import { encodeHeaderLines, utf8Encode, type StompVersion } from '@tsmq/codec';
import type { StoredMessage } from '../store/message-store.js';
import type { Outbox } from './outbox.js';

/** Where a message keeps its encoded header lines; a symbol, so no store ever persists it. */
export const ENCODED_HEADERS: unique symbol = Symbol('encodedHeaders');

/** A message's header lines as written in its MESSAGE frames under one protocol version. */
export interface EncodedHeaders {
  readonly version: StompVersion;
  // What the bytes were built from: a copy of the message (dead-letter moves, topic redeliveries)
  // may carry the cache of its original, so it is only used when all of these are the same.
  readonly messageId: string;
  readonly destination: string;
  readonly headers: StoredMessage['headers'];
  readonly bodyLength: number;
  /** `message-id`, `destination`, the producer's headers, `content-length`, and the blank line ending the head. */
  readonly bytes: Uint8Array;
}

/** A stored message that may carry its {@link EncodedHeaders}. */
export type EncodableMessage = StoredMessage & { [ENCODED_HEADERS]?: EncodedHeaders | undefined };

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const LETTER_C = 0x63;
const LETTER_N = 0x6e;
const LETTER_R = 0x72;
const MESSAGE_ID_NAME = utf8Encode('message-id:');
const DESTINATION_NAME = utf8Encode('destination:');
const MESSAGE_LINE = utf8Encode('MESSAGE\n');
const ACK_NAME = utf8Encode('ack:');
const DELIVERY_COUNTS: readonly string[] = Array.from({ length: 32 }, (_, i) => String(i));
const REDELIVERED_LINE = utf8Encode('redelivered:true\n');
const DELIVERY_COUNT_NAME = utf8Encode('JMSXDeliveryCount:');

/** `MESSAGE` and the `subscription` line: the start of every MESSAGE frame to one subscription. */
export function encodeMessagePrefix(subscriptionId: string, version: StompVersion): Uint8Array {
  const line = encodeHeaderLines({ subscription: subscriptionId }, version);
  const out = new Uint8Array(MESSAGE_LINE.length + line.length);
  out.set(MESSAGE_LINE, 0);
  out.set(line, MESSAGE_LINE.length);
  return out;
}

function escapeModeOf(version: StompVersion): number {
  return version === '1.0' ? NO_ESCAPES : version === '1.1' ? ESCAPES_1_1 : ESCAPES_1_2;
}

/** The blank line, after `content-length` for a non-empty body. */
function tailOf(message: StoredMessage): string {
  const length = message.body.byteLength;
  if (length === 0) return '\n';
  // Bodies of one size tend to come in runs: reuse the text rather than build it per message.
  if (length !== lastTailLength) {
    lastTailLength = length;
    lastTail = `content-length:${length}\n\n`;
  }
  return lastTail;
}

let lastTailLength = 0;
let lastTail = '\n';

/**
 * The message's header lines for `version`, cached on the message from its second delivery on.
 * For the first delivery (most queue messages have only one) it returns undefined and only
 * marks the message, so that the lines are written straight into the frame instead.
 */
function reusableHeaders(message: EncodableMessage, version: StompVersion): Uint8Array | undefined {
  const cached = message[ENCODED_HEADERS];
  if (cached === undefined) {
    message[ENCODED_HEADERS] = DELIVERED_ONCE;
    return undefined;
  }
  if (
    cached.version === version &&
    cached.headers === message.headers &&
    cached.messageId === message.messageId &&
    cached.destination === message.destination &&
    cached.bodyLength === message.body.byteLength
  ) {
    return cached.bytes;
  }
  const bytes = encodeHeaders(message, version);
  message[ENCODED_HEADERS] = {
    version,
    messageId: message.messageId,
    destination: message.destination,
    headers: message.headers,
    bodyLength: message.body.byteLength,
    bytes,
  };
  return bytes;
}

/** Marks a message delivered once without cached lines; matches no message (body length -1). */
const DELIVERED_ONCE: EncodedHeaders = {
  version: '1.2',
  messageId: '',
  destination: '',
  headers: Object.freeze(Object.create(null) as StoredMessage['headers']),
  bodyLength: -1,
  bytes: new Uint8Array(0),
};

/** The header lines in a buffer of their own. */
function encodeHeaders(message: StoredMessage, version: StompVersion): Uint8Array {
  const mode = escapeModeOf(version);
  const tail = tailOf(message);
  const size = headerLinesSize(message, mode, tail);
  if (size < 0) return escapedHeaderBytes(message, version, tail);
  const out = new Uint8Array(size);
  writeHeaderLines(out, 0, message, mode, tail);
  return out;
}

/**
 * Bytes of the header lines when all their text is ASCII that {@link escapedLength} can size, so
 * that {@link writeHeaderLines} can write them without string concatenation or an encoder call;
 * -1 for anything else, which the codec then encodes (or rejects).
 */
function headerLinesSize(message: StoredMessage, mode: number, tail: string): number {
  const headers = message.headers;
  const idLength = escapedLength(message.messageId, mode, false);
  const destinationLength = escapedLength(message.destination, mode, false);
  if (idLength < 0 || destinationLength < 0) return -1;
  let size = MESSAGE_ID_NAME.length + idLength + 1 + DESTINATION_NAME.length + destinationLength + 1 + tail.length;
  for (const name in headers) {
    const value = headers[name];
    // Like the codec, skip properties left undefined.
    if (value === undefined) continue;
    const nameLength = escapedLength(name, mode, true);
    const valueLength = escapedLength(value, mode, false);
    if (nameLength < 0 || valueLength < 0) return -1;
    size += nameLength + valueLength + 2;
  }
  return size;
}

/**
 * Writes the header lines, escaped for `mode`; returns the position after them, or -1 at text
 * that {@link headerLinesSize} would reject (the bytes written so far are then garbage).
 */
function writeHeaderLines(out: Uint8Array, at: number, message: StoredMessage, mode: number, tail: string): number {
  const headers = message.headers;
  out.set(MESSAGE_ID_NAME, at);
  at = writeEscaped(out, at + MESSAGE_ID_NAME.length, message.messageId, mode, false);
  if (at < 0) return -1;
  out[at++] = LF;
  out.set(DESTINATION_NAME, at);
  at = writeEscaped(out, at + DESTINATION_NAME.length, message.destination, mode, false);
  if (at < 0) return -1;
  out[at++] = LF;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    at = writeEscaped(out, at, name, mode, true);
    if (at < 0) return -1;
    out[at++] = COLON;
    at = writeEscaped(out, at, value, mode, false);
    if (at < 0) return -1;
    out[at++] = LF;
  }
  return writeAscii(out, at, tail);
}

/** Most bytes the header lines can take when {@link writeHeaderLines} can write them: every character escaped. */
function headerLinesBound(message: StoredMessage, tail: string): number {
  const headers = message.headers;
  let text = message.messageId.length + message.destination.length;
  let lines = 2;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    text += name.length + value.length;
    lines++;
  }
  return MESSAGE_ID_NAME.length + DESTINATION_NAME.length + 2 * text + 2 * lines + tail.length;
}

/** The header lines through the codec, for text {@link plainHeaderBytes} does not write itself. */
function escapedHeaderBytes(message: StoredMessage, version: StompVersion, tail: string): Uint8Array {
  const ids = encodeHeaderLines({ 'message-id': message.messageId, destination: message.destination }, version);
  const own = encodeHeaderLines(message.headers, version);
  const bytes = new Uint8Array(ids.length + own.length + tail.length);
  bytes.set(ids, 0);
  bytes.set(own, ids.length);
  writeAscii(bytes, ids.length + own.length, tail);
  return bytes;
}

/** STOMP 1.0: nothing is escaped. */
const NO_ESCAPES = 0;
/** STOMP 1.1: backslash, LF and colon are escaped; a CR can only be sent raw. */
const ESCAPES_1_1 = 1;
/** STOMP 1.2 §Value Encoding: backslash, LF, colon and CR are escaped. */
const ESCAPES_1_2 = 2;

/**
 * Bytes `s` takes on the wire under `mode`, or -1 for text left to the codec: non-ASCII, and
 * whatever the codec checks or rejects (LF or CR unescaped, a colon in a 1.0 name, CR in 1.1).
 */
function escapedLength(s: string, mode: number, isName: boolean): number {
  let length = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    if (c === BACKSLASH || c === COLON || c === LF || c === CR) {
      if (mode === NO_ESCAPES) {
        if (c === LF || c === CR || isName) return -1;
      } else if (c === CR && mode === ESCAPES_1_1) {
        return -1;
      } else {
        length++;
      }
    }
  }
  return length;
}

/**
 * Writes `s` escaped for `mode`; returns the position after it, or -1 at a character
 * {@link escapedLength} rejects.
 */
function writeEscaped(target: Uint8Array, at: number, s: string, mode: number, isName: boolean): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    if (c === BACKSLASH || c === COLON || c === LF || c === CR) {
      if (mode === NO_ESCAPES) {
        if (c === LF || c === CR || isName) return -1;
        target[at++] = c;
      } else if (c === CR && mode === ESCAPES_1_1) {
        return -1;
      } else {
        target[at++] = BACKSLASH;
        target[at++] = c === BACKSLASH ? BACKSLASH : c === COLON ? LETTER_C : c === LF ? LETTER_N : LETTER_R;
      }
    } else {
      target[at++] = c;
    }
  }
  return at;
}

/**
 * Encodes a MESSAGE frame into one fresh buffer; see {@link writeMessageFrame}, which writes the
 * same bytes into an {@link Outbox}.
 */
export function encodeMessageFrame(
  prefix: Uint8Array,
  message: StoredMessage,
  version: StompVersion,
  ackId: string | undefined,
  withBody: boolean,
): Uint8Array {
  const parts = new FrameParts(message, version, true);
  const out = new Uint8Array(parts.size(prefix, ackId, withBody));
  parts.write(out, 0, prefix, ackId, withBody);
  return out;
}

/**
 * Writes a MESSAGE frame into `outbox`: `prefix` (from {@link encodeMessagePrefix}), the delivery
 * headers (`ack` when `ackId` is given, `redelivered`, `JMSXDeliveryCount`), the message's
 * header lines, then the body and NUL when `withBody`, else only the head (the caller adds the
 * body and the NUL itself, so that a large body is never copied).
 *
 * @param ackId - a connection-generated ack id: ASCII without characters that need escaping.
 * @throws StompCodecError `MALFORMED_HEADER` for header text the version cannot carry.
 */
export function writeMessageFrame(
  outbox: Outbox,
  prefix: Uint8Array,
  message: StoredMessage,
  version: StompVersion,
  ackId: string | undefined,
  withBody: boolean,
): void {
  // Reserve for the worst case (every header character escaped) and give back what is left: one
  // pass over the header text instead of a measuring pass and a writing pass.
  const parts = new FrameParts(message, version, false);
  const size = parts.size(prefix, ackId, withBody);
  const at = outbox.reserve(size);
  const end = parts.write(outbox.target, at, prefix, ackId, withBody);
  if (end >= 0) {
    outbox.shrink(at + size - end);
    return;
  }
  // Text the in-place writer leaves to the codec (non-ASCII, or what the version cannot carry).
  outbox.shrink(size);
  const exact = new FrameParts(message, version, true);
  const retry = exact.size(prefix, ackId, withBody);
  exact.write(outbox.target, outbox.reserve(retry), prefix, ackId, withBody);
}

/** How one delivery's header lines get into its frame: copied from the cache, or written in place. */
class FrameParts {
  private readonly cached: Uint8Array | undefined;
  private readonly mode: number;
  private readonly tail: string;
  private readonly headerSize: number;

  /**
   * @param exact - size the header lines exactly (falling back to the codec for text
   * {@link headerLinesSize} rejects) rather than by their upper bound.
   */
  constructor(
    private readonly message: StoredMessage,
    version: StompVersion,
    exact: boolean,
  ) {
    let cached = reusableHeaders(message, version);
    this.mode = escapeModeOf(version);
    this.tail = cached === undefined ? tailOf(message) : '';
    let headerSize =
      cached !== undefined ? cached.length : exact ? headerLinesSize(message, this.mode, this.tail) : headerLinesBound(message, this.tail);
    if (headerSize < 0) {
      cached = escapedHeaderBytes(message, version, this.tail);
      headerSize = cached.length;
    }
    this.cached = cached;
    this.headerSize = headerSize;
  }

  size(prefix: Uint8Array, ackId: string | undefined, withBody: boolean): number {
    const message = this.message;
    let size = prefix.length + DELIVERY_COUNT_NAME.length + deliveryCountText(message).length + 1 + this.headerSize;
    if (ackId !== undefined) size += ACK_NAME.length + ackId.length + 1;
    if (message.redeliveryCount > 0) size += REDELIVERED_LINE.length;
    if (withBody) size += message.body.byteLength + 1;
    return size;
  }

  /**
   * Writes every byte of the frame (the target may hold old data), NUL included when `withBody`;
   * returns the position after it, or -1 when the header text needs the codec.
   */
  write(out: Uint8Array, at: number, prefix: Uint8Array, ackId: string | undefined, withBody: boolean): number {
    const message = this.message;
    out.set(prefix, at);
    at += prefix.length;
    if (ackId !== undefined) {
      at = writeAscii(out, at, 'ack:');
      at = writeAscii(out, at, ackId);
      out[at++] = LF;
    }
    if (message.redeliveryCount > 0) {
      out.set(REDELIVERED_LINE, at);
      at += REDELIVERED_LINE.length;
    }
    out.set(DELIVERY_COUNT_NAME, at);
    at = writeAscii(out, at + DELIVERY_COUNT_NAME.length, deliveryCountText(message));
    out[at++] = LF;
    if (this.cached !== undefined) {
      out.set(this.cached, at);
      at += this.cached.length;
    } else {
      at = writeHeaderLines(out, at, message, this.mode, this.tail);
      if (at < 0) return -1;
    }
    if (!withBody) return at;
    const body = message.body;
    if (body instanceof Uint8Array) {
      if (body.byteLength > 0) out.set(body, at);
      at += body.byteLength;
    } else {
      for (const piece of body.pieces) {
        out.set(piece, at);
        at += piece.byteLength;
      }
    }
    out[at] = 0;
    return at + 1;
  }
}

function deliveryCountText(message: StoredMessage): string {
  const count = message.redeliveryCount + 1;
  return count < DELIVERY_COUNTS.length ? DELIVERY_COUNTS[count]! : String(count);
}

/** Writes ASCII text (digits, fixed header names) byte by byte: shorter than a TextEncoder call. */
function writeAscii(target: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) target[at++] = s.charCodeAt(i);
  return at;
}
