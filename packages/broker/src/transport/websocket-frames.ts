/**
 * WebSocket framing (RFC 6455 §5) for the server side of a STOMP connector: a reader of the
 * masked frames clients send, and headers for the unmasked frames the server sends.
 *
 * STOMP is a byte stream to the broker's parser, which already splits and reassembles frames
 * however the bytes are cut; so the reader hands over payload bytes as they arrive, unmasked in
 * place, without gathering a WebSocket message first. Only text messages are gathered, because
 * RFC 6455 §8.1 makes a server reject a text message that is not UTF-8 as a whole.
 * @packageDocumentation
 */
import { isUtf8 } from 'node:buffer';

/** RFC 6455 §7.4.1 status codes the reader closes with. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_INVALID_DATA = 1007;
export const CLOSE_TOO_BIG = 1009;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** What the reader reports. */
export interface FrameReaderEvents {
  /** Payload bytes of data messages, in order; the buffer may be kept (it is not reused). */
  onData(bytes: Buffer): void;
  /** A ping with its application data, to be answered with a pong carrying the same. */
  onPing(payload: Buffer): void;
  /** The client's Close frame (its status code, if it gave one). Nothing is read after it. */
  onClose(code: number | undefined): void;
  /** The client broke the protocol: close the connection with `code`. Nothing is read after it. */
  onError(code: number, reason: string): void;
}

/** Reads client frames from a byte stream; see the module comment. */
export class FrameReader {
  /** Header bytes of a frame whose header arrived split across chunks. */
  private readonly partialHeader = Buffer.alloc(14);
  private partialHeaderLength = 0;
  /** The frame being read: its opcode, FIN bit, payload bytes still to come and masking key. */
  private opcode = 0;
  private fin = false;
  private payloadLeft = 0;
  private readonly key = new Uint8Array(4);
  /** Payload bytes of the current frame already unmasked: where in the key the next byte starts. */
  private keyPhase = 0;
  private inPayload = false;
  /** The data message being read: its opcode (0 when none), bytes so far, gathered text pieces. */
  private messageOpcode = 0;
  private messageBytes = 0;
  private textPieces: Buffer[] = [];
  /** Payload of the control frame being read (at most 125 bytes, possibly split). */
  private controlPieces: Buffer[] = [];
  private done = false;

  /** @param maxMessageSize - bytes a data message may hold (RFC 6455 §7.4.1 code 1009 beyond). */
  constructor(
    private readonly maxMessageSize: number,
    private readonly events: FrameReaderEvents,
  ) {}

  /** Reads a chunk of the stream; it is unmasked in place. */
  push(chunk: Buffer): void {
    let at = 0;
    const end = chunk.length;
    // One word view per chunk rather than one per frame: a chunk commonly holds dozens of frames.
    let words: Int32Array | undefined;
    while (at < end && !this.done) {
      if (!this.inPayload) {
        at = this.readHeader(chunk, at);
        continue;
      }
      const n = Math.min(this.payloadLeft, end - at);
      const piece = chunk.subarray(at, at + n);
      at += n;
      if (n >= WORD_MASK_MIN) words ??= wordView(chunk);
      unmask(piece, this.key, this.keyPhase, words);
      this.keyPhase += n;
      this.payloadLeft -= n;
      this.onPayload(piece);
      if (this.payloadLeft === 0) this.endFrame();
    }
  }

  /** Parses a header starting at `at` (or completing one begun earlier); returns where the payload starts. */
  private readHeader(chunk: Buffer, at: number): number {
    let header: Buffer = chunk;
    let start = at;
    let available = chunk.length - at;
    if (this.partialHeaderLength > 0) {
      const take = Math.min(14 - this.partialHeaderLength, available);
      chunk.copy(this.partialHeader, this.partialHeaderLength, at, at + take);
      header = this.partialHeader;
      start = 0;
      available = this.partialHeaderLength + take;
    }
    const size = available >= 2 ? headerSize(header[start + 1]!) : 14;
    if (available < size) {
      // Keep what there is and wait for the rest of the header.
      if (this.partialHeaderLength === 0) chunk.copy(this.partialHeader, 0, at);
      this.partialHeaderLength = available;
      return chunk.length;
    }
    const consumed = this.partialHeaderLength > 0 ? size - this.partialHeaderLength : size;
    this.partialHeaderLength = 0;
    this.startFrame(header, start, size);
    return at + consumed;
  }

  private startFrame(h: Buffer, at: number, size: number): void {
    const b0 = h[at]!;
    const b1 = h[at + 1]!;
    const opcode = b0 & 0x0f;
    this.fin = (b0 & 0x80) !== 0;
    this.opcode = opcode;
    // RFC 6455 §5.2: no extension was negotiated, so no RSV bit may be set.
    if ((b0 & 0x70) !== 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'RSV bits set without a negotiated extension');
    // RFC 6455 §5.1: a server must close on an unmasked client frame.
    if ((b1 & 0x80) === 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'client frame not masked');
    let length = b1 & 0x7f;
    if (length === 126) length = h.readUInt16BE(at + 2);
    else if (length === 127) {
      const high = h.readUInt32BE(at + 2);
      // Above 2^53 a length is not even a safe integer; far above any message size allowed here.
      if (high > 0x1fffff) return this.fail(CLOSE_TOO_BIG, 'frame too large');
      length = high * 0x1_0000_0000 + h.readUInt32BE(at + 6);
    }
    const k = at + size - 4;
    this.key[0] = h[k]!;
    this.key[1] = h[k + 1]!;
    this.key[2] = h[k + 2]!;
    this.key[3] = h[k + 3]!;
    this.keyPhase = 0;
    this.payloadLeft = length;
    if (opcode >= OP_CLOSE) {
      // RFC 6455 §5.5: control frames are not fragmented and carry at most 125 bytes.
      if (opcode > OP_PONG) return this.fail(CLOSE_PROTOCOL_ERROR, `unknown opcode ${opcode}`);
      if (!this.fin || length > 125) return this.fail(CLOSE_PROTOCOL_ERROR, 'invalid control frame');
    } else {
      if (opcode === OP_CONTINUATION) {
        if (this.messageOpcode === 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'continuation frame outside a message');
      } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
        // RFC 6455 §5.4: fragments of one message are not interleaved with another message.
        if (this.messageOpcode !== 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'new message inside a fragmented one');
        this.messageOpcode = opcode;
        this.messageBytes = 0;
      } else {
        return this.fail(CLOSE_PROTOCOL_ERROR, `unknown opcode ${opcode}`);
      }
      this.messageBytes += length;
      if (this.messageBytes > this.maxMessageSize) return this.fail(CLOSE_TOO_BIG, 'message too large');
    }
    this.inPayload = true;
    if (length === 0) this.endFrame();
  }

  private onPayload(piece: Buffer): void {
    if (this.opcode >= OP_CLOSE) this.controlPieces.push(piece);
    else if (this.messageOpcode === OP_TEXT) this.textPieces.push(piece);
    else this.events.onData(piece);
  }

  private endFrame(): void {
    this.inPayload = false;
    const opcode = this.opcode;
    if (opcode >= OP_CLOSE) {
      const payload = this.controlPieces.length === 1 ? this.controlPieces[0]! : Buffer.concat(this.controlPieces);
      this.controlPieces = [];
      if (opcode === OP_PING) this.events.onPing(payload);
      else if (opcode === OP_CLOSE) this.readClose(payload);
      return;
    }
    if (!this.fin) return;
    if (this.messageOpcode === OP_TEXT) {
      const pieces = this.textPieces;
      this.textPieces = [];
      const text = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
      // RFC 6455 §8.1: a text message must be valid UTF-8 as a whole.
      if (!isUtf8(text)) return this.fail(CLOSE_INVALID_DATA, 'text message is not UTF-8');
      this.messageOpcode = 0;
      if (text.length > 0) this.events.onData(text);
      return;
    }
    this.messageOpcode = 0;
  }

  private readClose(payload: Buffer): void {
    if (payload.length === 0) {
      this.done = true;
      this.events.onClose(undefined);
      return;
    }
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 0;
    if (payload.length === 1 || !isValidCloseCode(code)) return this.fail(CLOSE_PROTOCOL_ERROR, 'invalid close code');
    if (!isUtf8(payload.subarray(2))) return this.fail(CLOSE_INVALID_DATA, 'close reason is not UTF-8');
    this.done = true;
    this.events.onClose(code);
  }

  private fail(code: number, reason: string): void {
    this.done = true;
    this.inPayload = false;
    this.events.onError(code, reason);
  }
}

/** Header size of a client (masked) frame, from its second byte. */
function headerSize(b1: number): number {
  const length = b1 & 0x7f;
  return (length < 126 ? 2 : length === 126 ? 4 : 10) + ((b1 & 0x80) !== 0 ? 4 : 0);
}

/** RFC 6455 §7.4: codes an endpoint may send in a Close frame. */
function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** The key rotated to an aligned start, read back as one native-endian word. */
const keyBytes = new Uint8Array(4);
const keyWord = new Int32Array(keyBytes.buffer);
/** Pieces shorter than this are unmasked byte by byte: a word view would cost more than it saves. */
const WORD_MASK_MIN = 32;

/** A view of every whole 32-bit word of the ArrayBuffer under `bytes`, from its start. */
export function wordView(bytes: Uint8Array): Int32Array {
  return new Int32Array(bytes.buffer, 0, bytes.buffer.byteLength >>> 2);
}

/**
 * XORs `bytes` in place with `key` repeated (RFC 6455 §5.3), its first byte taking
 * `key[phase & 3]`. Works 32 bits at a time: `ws` without its optional native helper does it one
 * byte at a time, which was the broker's largest single cost over WebSocket.
 * @param words - {@link wordView} of `bytes`' ArrayBuffer, if the caller has one to share.
 */
export function unmask(bytes: Uint8Array, key: Uint8Array, phase: number, words?: Int32Array): void {
  const end = bytes.length;
  let i = 0;
  if (end >= WORD_MASK_MIN) {
    const base = bytes.byteOffset;
    // Word access needs 4-byte alignment in the underlying ArrayBuffer.
    while (((base + i) & 3) !== 0) {
      bytes[i] = bytes[i]! ^ key[(phase + i) & 3]!;
      i++;
    }
    const shift = phase + i;
    keyBytes[0] = key[shift & 3]!;
    keyBytes[1] = key[(shift + 1) & 3]!;
    keyBytes[2] = key[(shift + 2) & 3]!;
    keyBytes[3] = key[(shift + 3) & 3]!;
    const k = keyWord[0]!;
    const count = (end - i) >>> 2;
    const view = words ?? new Int32Array(bytes.buffer, base + i, count);
    const first = words === undefined ? 0 : (base + i) >>> 2;
    const last = first + count;
    let w = first;
    // Four words per iteration: about a third faster than one in V8.
    for (const last4 = last - 3; w < last4; w += 4) {
      view[w] = view[w]! ^ k;
      view[w + 1] = view[w + 1]! ^ k;
      view[w + 2] = view[w + 2]! ^ k;
      view[w + 3] = view[w + 3]! ^ k;
    }
    for (; w < last; w++) view[w] = view[w]! ^ k;
    i += count * 4;
  }
  for (; i < end; i++) bytes[i] = bytes[i]! ^ key[(phase + i) & 3]!;
}

/** Header of an unmasked final frame (RFC 6455 §5.2) carrying `length` bytes with `opcode`. */
export function serverFrameHeader(opcode: number, length: number): Buffer {
  let header: Buffer;
  if (length <= 125) {
    header = Buffer.allocUnsafe(2);
    header[1] = length;
  } else if (length <= 0xffff) {
    header = Buffer.allocUnsafe(4);
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.allocUnsafe(10);
    header[1] = 127;
    header.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    header.writeUInt32BE(length >>> 0, 6);
  }
  header[0] = 0x80 | opcode;
  return header;
}

export { OP_BINARY, OP_CLOSE, OP_PONG };
