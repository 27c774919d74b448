/**
 * Incremental STOMP frame parser: bytes in arbitrary chunks in, frames out.
 * @packageDocumentation
 */
import { ALL_COMMANDS } from './commands.js';
import { StompCodecError } from './errors.js';
import { type EscapeMode, escapeModeFor, unescapeHeader } from './escape.js';
import type { PiecewiseFrame, StompFrame, StompHeaders, StompVersion } from './frame.js';
import { type FrameBody, joinPieces, keepPieces } from './body-pieces.js';
import { DEFAULT_LIMITS, type ParserLimits, resolveLimits } from './limits.js';
import { asciiText, decodeText, latin1, previewText } from './utf8.js';
import { headerName } from './header-names.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const NUL = 0x00;

const BETWEEN_FRAMES = 0;
const COMMAND_LINE = 1;
const HEADER_LINES = 2;
const BODY = 3;
type ParserState = typeof BETWEEN_FRAMES | typeof COMMAND_LINE | typeof HEADER_LINES | typeof BODY;

/** Options for {@link FrameParser}; omitted limits take their {@link DEFAULT_LIMITS} value. */
export interface FrameParserOptions extends Partial<ParserLimits> {
  /** Commands accepted; anything else is UNKNOWN_COMMAND. Default: every STOMP command. */
  commands?: ReadonlySet<string>;
  /**
   * Version whose header escaping applies until {@link FrameParser.setVersion} is called.
   * Default `'1.0'` (no escaping): the first frame of a connection is CONNECT/STOMP or
   * CONNECTED, which are never escaped, and the version is only known after it.
   */
  version?: StompVersion;
}

/**
 * Parses a STOMP byte stream (STOMP 1.2 §STOMP Frames) pushed in chunks of any size.
 *
 * Frames are delivered synchronously from {@link FrameParser.push}, so calling
 * {@link FrameParser.setVersion} from inside `onFrame` (after CONNECT or CONNECTED)
 * applies to the very next frame even when it arrived in the same chunk.
 *
 * A frame body that lies entirely inside one pushed chunk is a view on that chunk, not a copy;
 * bodies spanning chunks are concatenated once when complete. The parser therefore keeps
 * references to pushed chunks: do not modify a chunk after pushing it.
 *
 * Every EOL received between frames is a heart-beat (STOMP 1.2 §Heart-beating) and calls
 * `onHeartbeat` once.
 */
export class FrameParser {
  private readonly limits: ParserLimits;
  private readonly commands: ReadonlySet<string>;
  private version: StompVersion;

  private state: ParserState = BETWEEN_FRAMES;
  private failure: unknown = undefined;
  private hasFailed = false;

  // What only a frame in progress needs is created when one starts and dropped when it ends:
  // a connection spends most of its life between frames, and brokers hold many such connections.

  /** Pieces of a line not yet terminated by LF, and their total length. */
  private linePieces: Uint8Array[] | undefined;
  private lineLength = 0;

  private command = '';
  private escapeMode: EscapeMode = 0;
  private headers: StompHeaders = NO_HEADERS;
  private headerCount = 0;
  /** -1 when the frame has no content-length header. */
  private contentLength = -1;

  /** Pieces of a body spanning chunks, and their total length. */
  private bodyPieces: Uint8Array[] | undefined;
  private bodyLength = 0;

  /** Bytes of the current incomplete frame received so far. */
  private frameBytes = 0;

  /**
   * @param onFrame - called synchronously for each complete frame, in order.
   * @param options - limits, accepted commands and the initial version.
   * @param onHeartbeat - called once per EOL received between frames.
   * @throws RangeError when a limit is not a non-negative integer.
   */
  constructor(
    private readonly onFrame: (frame: StompFrame) => void,
    options?: FrameParserOptions,
    private readonly onHeartbeat?: () => void,
  ) {
    this.limits = limitsFor(options);
    this.commands = options?.commands ?? ALL_COMMANDS;
    this.version = options?.version ?? '1.0';
  }

  /** Bytes of an incomplete frame received so far (for backpressure decisions); 0 between frames. */
  get bufferedBytes(): number {
    return this.frameBytes;
  }

  /** Header escaping depends on the negotiated version; the broker/client calls this after CONNECT/CONNECTED. */
  setVersion(version: StompVersion): void {
    this.version = version;
  }

  /**
   * Feeds bytes in arbitrary chunks; calls onFrame synchronously for each complete frame.
   *
   * @throws StompCodecError when the stream violates the protocol or a limit. After any error,
   * including one thrown by `onFrame` or `onHeartbeat`, the parser stays failed: every later
   * push throws the same error, since the stream cannot be resynchronised.
   */
  push(chunk: Uint8Array): void {
    if (this.hasFailed) throw this.failure;
    try {
      this.consume(chunk);
    } catch (error) {
      this.hasFailed = true;
      this.failure = error;
      // Drop buffered pieces: a failed parser must not pin the memory of a half-read frame.
      this.linePieces = undefined;
      this.bodyPieces = undefined;
      this.headers = NO_HEADERS;
      throw error;
    }
  }

  private consume(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.state === BETWEEN_FRAMES) {
        const byte = chunk[pos]!;
        if (byte === LF) {
          pos++;
          this.onHeartbeat?.();
        } else if (byte === CR) {
          // The CR of a CRLF heart-beat; the LF that follows is the one counted.
          pos++;
        } else {
          this.state = COMMAND_LINE;
        }
      } else if (this.state === BODY) {
        pos = this.contentLength >= 0 ? this.readSizedBody(chunk, pos) : this.readNulTerminatedBody(chunk, pos);
      } else {
        pos = this.readLine(chunk, pos);
      }
    }
  }

  /** Consumes up to and including the next LF; returns the new position. */
  private readLine(chunk: Uint8Array, pos: number): number {
    const isCommand = this.state === COMMAND_LINE;
    const max = isCommand ? this.limits.maxCommandLength : this.limits.maxHeaderLineLength;
    const lf = chunk.indexOf(LF, pos);
    if (lf === -1) {
      const length = this.lineLength + (chunk.length - pos);
      // +1: the line may still end in the CR of a CRLF, which does not count.
      if (length > max + 1) this.throwLineTooLong(isCommand, length, max, true);
      (this.linePieces ??= []).push(tail(chunk, pos));
      this.lineLength = length;
      this.frameBytes += chunk.length - pos;
      return chunk.length;
    }
    this.frameBytes += lf + 1 - pos;
    // The line is line[start, end); indices rather than a view, to allocate nothing per line.
    let line = chunk;
    let start = pos;
    let end = lf;
    if (this.linePieces !== undefined) {
      this.linePieces.push(chunk.subarray(pos, lf));
      line = concat(this.linePieces, this.lineLength + (lf - pos));
      start = 0;
      end = line.length;
      this.linePieces = undefined;
      this.lineLength = 0;
    }
    if (end > start && line[end - 1] === CR) end--;
    const length = end - start;
    if (length > max) this.throwLineTooLong(isCommand, length, max, false);
    if (isCommand) {
      this.startFrame(line, start, end);
      // A head that lies whole in this chunk is read in one go; anything unusual is left to
      // the line-by-line path, which also produces every error.
      if (line === chunk) {
        const next = this.readWholeHead(chunk, lf + 1);
        if (next !== -1) return next;
      }
    } else if (length === 0) this.state = BODY;
    else this.addHeader(line, start, end);
    return lf + 1;
  }

  /**
   * Reads all header lines and the blank line after them when they are in `chunk` from `pos` on,
   * all ASCII and valid, decoding them as one string; returns the position after the blank line,
   * or -1 (having changed nothing) for the line-by-line path to take over.
   */
  private readWholeHead(chunk: Uint8Array, pos: number): number {
    const maxLine = this.limits.maxHeaderLineLength;
    const maxHeaders = this.limits.maxHeaders;
    const end = chunk.length;
    let lineStart = pos;
    let lines = 0;
    // Only line ends are looked for byte by byte; the rest is checked on the decoded text.
    for (let i = pos; i < end; i++) {
      if (chunk[i] !== LF) continue;
      const lineEnd = i > lineStart && chunk[i - 1] === CR ? i - 1 : i;
      if (lineEnd === lineStart) {
        if (!this.addHeadLines(chunk, pos, lineStart, lines)) return -1;
        this.frameBytes += i + 1 - pos;
        this.state = BODY;
        return i + 1;
      }
      if (lineEnd - lineStart > maxLine || ++lines > maxHeaders) return -1;
      lineStart = i + 1;
    }
    return -1;
  }

  /**
   * Adds the `lines` header lines in `chunk[start, end)` as {@link addHeader} would one by one,
   * when they are all ASCII and each has a name and a colon; otherwise returns false having
   * added nothing.
   */
  private addHeadLines(chunk: Uint8Array, start: number, end: number, lines: number): boolean {
    const text = asciiText(chunk, start, end);
    if (text === undefined) return false;
    let p = 0;
    for (let k = 0; k < lines; k++) {
      const lf = text.indexOf('\n', p);
      const colon = text.indexOf(':', p);
      if (colon <= p || colon > lf) return false;
      p = lf + 1;
    }
    const escaped = text.indexOf('\\') !== -1;
    const headers = this.headers;
    const mode = this.escapeMode;
    this.headerCount = lines;
    p = 0;
    for (let k = 0; k < lines; k++) {
      const lf = text.indexOf('\n', p);
      const lineEnd = text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      const colon = text.indexOf(':', p);
      const name = escaped ? unescapeHeader(text.slice(p, colon), mode) : headerName(chunk, start + p, start + colon);
      // STOMP 1.2 §Repeated Header Entries: only the first occurrence is used.
      if (headers[name] === undefined) {
        const raw = text.slice(colon + 1, lineEnd);
        const value = escaped ? unescapeHeader(raw, mode) : raw;
        headers[name] = value;
        if (name === 'content-length') this.contentLength = this.checkContentLength(value);
      }
      p = lf + 1;
    }
    return true;
  }

  private throwLineTooLong(isCommand: boolean, length: number, max: number, partial: boolean): never {
    const seen = partial ? `at least ${length - 1}` : String(length);
    if (isCommand) {
      throw new StompCodecError(
        'COMMAND_TOO_LONG',
        `command line of ${seen} bytes exceeds the maximum command length of ${max} bytes`,
      );
    }
    throw new StompCodecError(
      'HEADER_LINE_TOO_LONG',
      `header line of ${seen} bytes exceeds the maximum header line length of ${max} bytes`,
    );
  }

  private startFrame(line: Uint8Array, start: number, end: number): void {
    // Commands are ASCII; reading bytes as Latin-1 cannot fail and still shows garbage faithfully.
    const command = latin1(line, start, end);
    if (!this.commands.has(command)) {
      throw new StompCodecError('UNKNOWN_COMMAND', `unknown or unexpected command ${JSON.stringify(command)}`);
    }
    this.command = command;
    this.headers = newHeaders();
    this.escapeMode = escapeModeFor(this.version, command);
    this.state = HEADER_LINES;
  }

  private addHeader(line: Uint8Array, start: number, end: number): void {
    if (++this.headerCount > this.limits.maxHeaders) {
      throw new StompCodecError(
        'TOO_MANY_HEADERS',
        `frame has ${this.headerCount} header lines so far, more than the maximum of ${this.limits.maxHeaders} headers`,
      );
    }
    // The first colon splits: 1.0 values may hold raw colons and 1.1+ peers are not all strict.
    const colon = line.indexOf(COLON, start);
    if (colon === -1 || colon >= end) {
      throw new StompCodecError(
        'MALFORMED_HEADER',
        `header line ${JSON.stringify(previewText(line.subarray(start, Math.min(end, start + 200))))} has no ":"`,
      );
    }
    if (colon === start) {
      throw new StompCodecError('MALFORMED_HEADER', `header line ${JSON.stringify(previewText(line.subarray(start, Math.min(end, start + 200))))} has an empty name`);
    }
    const name = unescapeHeader(decodeText(line, start, colon), this.escapeMode);
    // STOMP 1.2 §Repeated Header Entries: only the first occurrence is used.
    if (this.headers[name] !== undefined) return;
    const value = unescapeHeader(decodeText(line, colon + 1, end), this.escapeMode);
    this.headers[name] = value;
    if (name === 'content-length') this.contentLength = this.checkContentLength(value);
  }

  private checkContentLength(value: string): number {
    const length = parseContentLength(value);
    if (length > this.limits.maxFrameSize) {
      throw new StompCodecError(
        'FRAME_TOO_LARGE',
        `frame body of ${value.length > 20 ? `a ${value.length}-digit number of` : value} bytes exceeds the maximum frame size of ${this.limits.maxFrameSize} bytes`,
      );
    }
    return length;
  }

  /** STOMP 1.2 §Header content-length: exactly that many bytes, NULs included, then a NUL. */
  private readSizedBody(chunk: Uint8Array, pos: number): number {
    const expected = this.contentLength;
    const available = chunk.length - pos;
    if (this.bodyPieces === undefined && available > expected) {
      // The whole body and its terminator are in this chunk: hand out a view, no copy.
      if (chunk[pos + expected] !== NUL) this.throwMissingNul(chunk[pos + expected]!);
      this.emit(chunk.subarray(pos, pos + expected));
      return pos + expected + 1;
    }
    const missing = expected - this.bodyLength;
    if (missing > 0) {
      const take = Math.min(missing, available);
      (this.bodyPieces ??= []).push(take === available ? tail(chunk, pos) : chunk.subarray(pos, pos + take));
      this.bodyLength += take;
      this.frameBytes += take;
      pos += take;
      if (take < missing || pos === chunk.length) return pos;
    }
    if (chunk[pos] !== NUL) this.throwMissingNul(chunk[pos]!);
    this.emit(this.bodyPieces === undefined ? EMPTY_BODY : this.joinBody(this.bodyPieces, this.bodyLength));
    return pos + 1;
  }

  private throwMissingNul(seen: number): never {
    throw new StompCodecError(
      'MISSING_NUL',
      `frame body of content-length ${this.contentLength} is followed by byte 0x${seen.toString(16).padStart(2, '0')} instead of NUL`,
    );
  }

  /** Without content-length the body ends at the first NUL. */
  private readNulTerminatedBody(chunk: Uint8Array, pos: number): number {
    const nul = chunk.indexOf(NUL, pos);
    const stop = nul === -1 ? chunk.length : nul;
    const length = this.bodyLength + (stop - pos);
    if (length > this.limits.maxFrameSize) {
      throw new StompCodecError(
        'FRAME_TOO_LARGE',
        `frame body of ${nul === -1 ? 'at least ' : ''}${length} bytes exceeds the maximum frame size of ${this.limits.maxFrameSize} bytes`,
      );
    }
    if (nul === -1) {
      (this.bodyPieces ??= []).push(tail(chunk, pos));
      this.bodyLength = length;
      this.frameBytes += stop - pos;
      return stop;
    }
    if (this.bodyPieces === undefined) {
      this.emit(chunk.subarray(pos, nul));
    } else {
      this.bodyPieces.push(chunk.subarray(pos, nul));
      this.emit(this.joinBody(this.bodyPieces, length));
    }
    return nul + 1;
  }

  /** The body of a frame that spanned chunks, from its pieces in order (at least one). */
  protected joinBody(pieces: Uint8Array[], total: number): FrameBody {
    return concat(pieces, total);
  }

  private emit(body: FrameBody): void {
    // Only a PiecewiseFrameParser's joinBody returns pieces, and its onFrame takes them.
    const frame = { command: this.command, headers: this.headers, body } as StompFrame;
    this.state = BETWEEN_FRAMES;
    this.headers = NO_HEADERS;
    this.headerCount = 0;
    this.contentLength = -1;
    this.bodyPieces = undefined;
    this.bodyLength = 0;
    this.frameBytes = 0;
    this.onFrame(frame);
  }
}

/**
 * Bodies of at least this many bytes that span chunks are kept in pieces by
 * {@link PiecewiseFrameParser}; smaller ones are joined, which costs little and keeps one buffer.
 */
export const PIECEWISE_BODY_MIN = 16 * 1024;

/**
 * A {@link FrameParser} that hands out a large body received across chunks as {@link BodyPieces}
 * (views on the chunks) instead of copying it into one buffer: for a broker, which only relays and
 * stores bodies, and whose transports and store write chunk lists as they are.
 *
 * A body under {@link PIECEWISE_BODY_MIN} bytes, or one lying in a single chunk, is a `Uint8Array`
 * as with {@link FrameParser}.
 */
export class PiecewiseFrameParser extends FrameParser {
  /** See {@link FrameParser}; `onFrame` receives frames whose body may be {@link BodyPieces}. */
  constructor(onFrame: (frame: PiecewiseFrame) => void, options?: FrameParserOptions, onHeartbeat?: () => void) {
    super(onFrame as (frame: StompFrame) => void, options, onHeartbeat);
  }

  protected override joinBody(pieces: Uint8Array[], total: number): FrameBody {
    if (pieces.length === 1) return pieces[0]!;
    return total < PIECEWISE_BODY_MIN ? joinPieces(pieces, total) : keepPieces(pieces, total);
  }
}

/**
 * Parses a content-length header value: a non-negative decimal integer, nothing else
 * (no sign, no spaces, no exponent). Very long digit strings yield a number above any
 * frame size limit rather than an error, so they are reported as FRAME_TOO_LARGE.
 * @throws StompCodecError `INVALID_CONTENT_LENGTH`.
 */
export function parseContentLength(value: string): number {
  let digits = value.length > 0;
  for (let i = 0; digits && i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) digits = false;
  }
  if (!digits) {
    throw new StompCodecError(
      'INVALID_CONTENT_LENGTH',
      `content-length ${JSON.stringify(value.slice(0, 40))} is not a non-negative decimal integer`,
    );
  }
  return Number(value);
}

/** The headers of no frame: what a parser between frames points at. Frozen, so a stray write fails loudly. */
const NO_HEADERS: StompHeaders = Object.freeze(Object.setPrototypeOf({}, null) as StompHeaders);

/**
 * Resolved limits per options object, so that the parsers of a server's connections, made with
 * one options object, share one limits object (and do not resolve it again for each).
 */
const resolvedLimits = new WeakMap<FrameParserOptions, ParserLimits>();

function limitsFor(options: FrameParserOptions | undefined): ParserLimits {
  if (options === undefined) return DEFAULT_LIMITS;
  const cached = resolvedLimits.get(options);
  // Compared again, in case the caller changed the options object since.
  if (
    cached !== undefined &&
    cached.maxFrameSize === (options.maxFrameSize ?? DEFAULT_LIMITS.maxFrameSize) &&
    cached.maxHeaders === (options.maxHeaders ?? DEFAULT_LIMITS.maxHeaders) &&
    cached.maxHeaderLineLength === (options.maxHeaderLineLength ?? DEFAULT_LIMITS.maxHeaderLineLength) &&
    cached.maxCommandLength === (options.maxCommandLength ?? DEFAULT_LIMITS.maxCommandLength)
  ) {
    return cached;
  }
  const limits = resolveLimits(options);
  resolvedLimits.set(options, limits);
  return limits;
}

/**
 * An empty header object with a null prototype. Made by clearing the prototype of a literal
 * rather than with `Object.create(null)`, which engines keep in slow dictionary mode: a fast
 * object makes every later lookup and enumeration of the frame's headers cheaper.
 */
function newHeaders(): StompHeaders {
  return Object.setPrototypeOf({}, null) as StompHeaders;
}

/** `chunk` from `pos` on; the chunk itself when that is all of it, since tiny pushes make views costly. */
function tail(chunk: Uint8Array, pos: number): Uint8Array {
  return pos === 0 ? chunk : chunk.subarray(pos);
}

function concat(pieces: Uint8Array[], total: number): Uint8Array {
  return pieces.length === 1 ? pieces[0]! : joinPieces(pieces, total);
}

const EMPTY_BODY = new Uint8Array(0);
