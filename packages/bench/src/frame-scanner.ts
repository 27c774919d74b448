/**
 * The load generator's receiving side: a STOMP frame splitter that, for MESSAGE frames, decodes
 * only the headers the benchmark reads and never assembles the body. With eight subscribers
 * (scenario 5) the generator receives eight frames per frame sent; decoding every header and
 * concatenating every body made it, not the broker, the limit of that scenario.
 *
 * Other frames (CONNECTED, RECEIPT, ERROR) are rare and decoded whole. Only what a broker sends
 * to a STOMP 1.2 client is expected: heart-beat EOLs between frames, LF or CRLF line ends,
 * STOMP 1.2 §Value Encoding escapes, content-length or NUL-terminated bodies.
 */
import type { StompHeaders } from '@tsmq/codec';
import { BrokerProtocolError } from './errors.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const NUL = 0x00;
const BACKSLASH = 0x5c;

/** Largest frame head accepted: a peer sending more is broken, not busy. */
const MAX_HEAD_BYTES = 1024 * 1024;

/** A frame as the scanner hands it out. */
export interface ScannedFrame {
  command: string;
  /** For MESSAGE frames only the wanted headers (see {@link FrameScanner}); all of them otherwise. */
  headers: StompHeaders;
  /** Empty for MESSAGE frames (their bodies are counted, not kept). */
  body: Uint8Array;
  bodyLength: number;
}

const EMPTY = new Uint8Array(0);
/** Below this length a char-by-char loop beats a native decode call with its argument checks. */
const SHORT_TEXT = 32;

/** Splits a byte stream into frames; see the module comment. */
export class FrameScanner {
  /** MESSAGE headers to decode; undefined: all of them. */
  private wanted: Array<{ name: string; bytes: Buffer }> | undefined;
  /** Head bytes of a frame whose head spans chunks. */
  private headPieces: Buffer[] = [];
  private headLength = 0;
  private inBody = false;
  private current: ScannedFrame | undefined;
  private keepBody = false;
  /** Body bytes still expected with content-length; -1 for a NUL-terminated body. */
  private remaining = -1;
  private bodyPieces: Buffer[] = [];

  /**
   * @param onFrame - called synchronously for each complete frame.
   * @param maxFrameSize - larger bodies fail the stream.
   */
  constructor(
    private readonly onFrame: (frame: ScannedFrame) => void,
    private readonly maxFrameSize: number,
  ) {}

  /**
   * From now on, MESSAGE frames carry only these headers and an empty body (content-length is
   * always read); undefined: every header and the body, as other frames.
   */
  leanMessages(headers: readonly string[] | undefined): void {
    this.wanted = headers?.map((name) => ({ name, bytes: Buffer.from(name) }));
  }

  /** @throws BrokerProtocolError on a stream that is not STOMP. */
  push(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.inBody) {
        pos = this.readBody(chunk, pos);
        continue;
      }
      if (this.headLength === 0) {
        // Heart-beats between frames.
        const byte = chunk[pos]!;
        if (byte === LF || byte === CR) {
          pos++;
          continue;
        }
      }
      pos = this.readHead(chunk, pos);
    }
  }

  /** Consumes head bytes up to and including the blank line; returns the new position. */
  private readHead(chunk: Buffer, pos: number): number {
    let p = pos;
    // A head carried over ends with a complete line or a partial one; rescan from its last line.
    if (this.headLength > 0) {
      this.headPieces.push(pos === 0 ? chunk : chunk.subarray(pos));
      const joined = Buffer.concat(this.headPieces);
      const carried = this.headLength;
      this.headPieces = [];
      this.headLength = 0;
      const after = this.findHeadEnd(joined, 0);
      if (after === -1) {
        this.keepPartialHead(joined, 0);
        return chunk.length;
      }
      this.startFrame(joined, 0, after);
      return pos + after - carried;
    }
    const after = this.findHeadEnd(chunk, p);
    if (after === -1) {
      this.keepPartialHead(chunk, p);
      return chunk.length;
    }
    this.startFrame(chunk, p, after);
    p = after;
    return p;
  }

  private keepPartialHead(bytes: Buffer, from: number): void {
    const piece = from === 0 ? bytes : bytes.subarray(from);
    if (piece.length > MAX_HEAD_BYTES) throw new BrokerProtocolError(`frame head longer than ${MAX_HEAD_BYTES} bytes`);
    this.headPieces = [piece];
    this.headLength = piece.length;
  }

  /** Position after the blank line ending the head that starts at `from`, or -1 when not all there. */
  private findHeadEnd(bytes: Buffer, from: number): number {
    let line = from;
    for (;;) {
      const lf = bytes.indexOf(LF, line);
      if (lf === -1) return -1;
      // The command line itself is never blank here: leading EOLs were taken as heart-beats.
      if (line > from && (lf === line || (lf === line + 1 && bytes[line] === CR))) return lf + 1;
      line = lf + 1;
    }
  }

  /** Decodes the head in `bytes[from, after)` and enters the body. */
  private startFrame(bytes: Buffer, from: number, after: number): void {
    let lf = bytes.indexOf(LF, from);
    const command = text(bytes, from, lf > from && bytes[lf - 1] === CR ? lf - 1 : lf);
    const lean = this.wanted !== undefined && command === 'MESSAGE';
    // STOMP 1.2 §Value Encoding: CONNECTED frames are never escaped.
    const escaped = command !== 'CONNECTED';
    // No prototype: a header named like an Object.prototype member must not look present already.
    const headers = Object.create(null) as StompHeaders;
    let contentLength = -1;
    let line = lf + 1;
    while (line < after) {
      lf = bytes.indexOf(LF, line);
      const lineEnd = lf > line && bytes[lf - 1] === CR ? lf - 1 : lf;
      if (lineEnd === line) break;
      const colon = bytes.indexOf(COLON, line);
      if (colon === -1 || colon > lineEnd) throw new BrokerProtocolError(`header line without ":" in a ${command} frame`);
      const name = lean ? this.wantedName(bytes, line, colon) : unescape(bytes.toString('utf8', line, colon), escaped);
      // STOMP 1.2 §Repeated Header Entries: the first one counts.
      if (name !== undefined && headers[name] === undefined) {
        headers[name] = unescape(text(bytes, colon + 1, lineEnd), escaped);
      }
      if (contentLength === -1 && isContentLength(bytes, line, colon)) {
        contentLength = Number(text(bytes, colon + 1, lineEnd));
        if (!Number.isInteger(contentLength) || contentLength < 0) throw new BrokerProtocolError('invalid content-length');
        if (contentLength > this.maxFrameSize) throw new BrokerProtocolError(`frame body of ${contentLength} bytes exceeds ${this.maxFrameSize}`);
      }
      line = lf + 1;
    }
    this.current = { command, headers, body: EMPTY, bodyLength: 0 };
    this.keepBody = !lean;
    this.remaining = contentLength;
    this.bodyPieces = [];
    this.inBody = true;
  }

  private wantedName(bytes: Buffer, start: number, colon: number): string | undefined {
    const length = colon - start;
    for (const w of this.wanted!) {
      const b = w.bytes;
      if (b.length !== length || b[0] !== bytes[start]) continue;
      let i = 1;
      while (i < length && b[i] === bytes[start + i]) i++;
      if (i === length) return w.name;
    }
    return undefined;
  }

  /** Consumes body bytes and the NUL after them; returns the new position. */
  private readBody(chunk: Buffer, pos: number): number {
    const frame = this.current!;
    let stop: number;
    if (this.remaining >= 0) {
      stop = Math.min(chunk.length, pos + this.remaining);
      this.remaining -= stop - pos;
      if (this.remaining > 0 || stop === chunk.length) {
        this.addBody(frame, chunk, pos, stop);
        return stop;
      }
      if (chunk[stop] !== NUL) throw new BrokerProtocolError(`${frame.command} body not followed by NUL`);
    } else {
      const nul = chunk.indexOf(NUL, pos);
      stop = nul === -1 ? chunk.length : nul;
      this.addBody(frame, chunk, pos, stop);
      if (nul === -1) {
        if (frame.bodyLength > this.maxFrameSize) throw new BrokerProtocolError(`frame body exceeds ${this.maxFrameSize} bytes`);
        return stop;
      }
      this.finish(frame);
      return stop + 1;
    }
    this.addBody(frame, chunk, pos, stop);
    this.finish(frame);
    return stop + 1;
  }

  private addBody(frame: ScannedFrame, chunk: Buffer, start: number, stop: number): void {
    if (stop === start) return;
    frame.bodyLength += stop - start;
    if (this.keepBody) this.bodyPieces.push(chunk.subarray(start, stop));
  }

  private finish(frame: ScannedFrame): void {
    if (this.keepBody && this.bodyPieces.length > 0) frame.body = Buffer.concat(this.bodyPieces);
    this.bodyPieces = [];
    this.current = undefined;
    this.inBody = false;
    this.onFrame(frame);
  }
}

const CONTENT_LENGTH = Buffer.from('content-length');

function isContentLength(bytes: Buffer, start: number, colon: number): boolean {
  if (colon - start !== CONTENT_LENGTH.length || bytes[start] !== CONTENT_LENGTH[0]) return false;
  for (let i = 1; i < CONTENT_LENGTH.length; i++) if (bytes[start + i] !== CONTENT_LENGTH[i]) return false;
  return true;
}

/** UTF-8 text of `bytes[start, end)`. */
function text(bytes: Buffer, start: number, end: number): string {
  if (end - start > SHORT_TEXT) return bytes.toString('utf8', start, end);
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return bytes.toString('utf8', start, end);
    s += String.fromCharCode(c);
  }
  return s;
}

/** STOMP 1.2 §Value Encoding: `\\`, `\n`, `\c`, `\r`. */
function unescape(text: string, escaped: boolean): string {
  if (!escaped || text.indexOf('\\') === -1) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== BACKSLASH) {
      out += text[i];
      continue;
    }
    const next = text[++i];
    out += next === 'n' ? '\n' : next === 'c' ? ':' : next === 'r' ? '\r' : next === '\\' ? '\\' : `\\${next ?? ''}`;
  }
  return out;
}
