/**
 * STOMP frame serialisation.
 * @packageDocumentation
 */
import { StompCodecError } from './errors.js';
import { type EscapeMode, escapeHeader, escapeModeFor } from './escape.js';
import type { StompHeaders, StompVersion } from './frame.js';
import { parseContentLength } from './parser.js';
import { asciiEncodeInto, utf8Encode, utf8EncodeInto, utf8Length } from './utf8.js';

/** How {@link encodeFrame} and {@link encodeFrameHead} write a frame. */
export interface EncodeOptions {
  /** Negotiated version; decides header escaping (none in 1.0, nor in CONNECT/STOMP/CONNECTED). */
  version: StompVersion;
  /** add content-length when the body is non-empty and the header is absent; default true */
  contentLength?: boolean;
}

/** The frame terminator, to write after a body sent separately from {@link encodeFrameHead}'s head. */
export const NUL_BYTE: Uint8Array = new Uint8Array([0]);
/** A heart-beat: one EOL sent between frames (STOMP 1.2 §Heart-beating). */
export const HEARTBEAT_EOL: Uint8Array = new Uint8Array([0x0a]);

const EMPTY = new Uint8Array(0);

/**
 * Serialises a frame into ONE freshly allocated Uint8Array (head + body + NUL).
 *
 * Header values are written in the object's key order, escaped as the version requires.
 * @throws StompCodecError `MALFORMED_HEADER` for header text the version cannot carry (e.g. a
 * line feed in a 1.0 value), `INVALID_CONTENT_LENGTH` when a given content-length differs from
 * the body's length or when a body without content-length contains a NUL byte,
 * `UNKNOWN_COMMAND` for an empty command or one containing an EOL.
 */
export function encodeFrame(
  command: string,
  headers: StompHeaders,
  body: Uint8Array | undefined,
  options: EncodeOptions,
): Uint8Array {
  const payload = body ?? EMPTY;
  const head = buildHead(command, headers, payload.length, options, payload);
  // Heads are nearly always ASCII: size the frame as if, and only measure the UTF-8 length
  // when encodeInto reports that a character took more than one byte.
  let headLength = head.length;
  let frame = new Uint8Array(headLength + payload.length + 1);
  if (!asciiEncodeInto(head, frame)) {
    headLength = utf8Length(head);
    frame = new Uint8Array(headLength + payload.length + 1);
    utf8EncodeInto(head, frame);
  }
  if (payload.length > 0) frame.set(payload, headLength);
  // The last byte is already 0: the NUL terminator.
  return frame;
}

/**
 * Encodes header lines (`name:value` and an EOL each, escaped as `version` requires for
 * `command`) without a command line or the blank line that ends a head. Lets a sender encode
 * the headers a frame shares with others once, then assemble frames from cached parts.
 * @throws StompCodecError `MALFORMED_HEADER` as {@link encodeFrame}.
 */
export function encodeHeaderLines(headers: StompHeaders, version: StompVersion, command = 'MESSAGE'): Uint8Array {
  const mode: EscapeMode = escapeModeFor(version, command);
  let lines = '';
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    lines += escapeHeader(name, mode, true) + ':' + escapeHeader(value, mode, false) + '\n';
  }
  return utf8Encode(lines);
}

/**
 * Serialises only the head (command, headers, blank line) for a frame whose body (of
 * bodyLength bytes) is written separately, followed by NUL_BYTE; lets a transport avoid
 * copying large bodies.
 *
 * Without a content-length (option `contentLength: false`) the caller must make sure the
 * body holds no NUL byte: this function does not see it.
 * @throws StompCodecError as {@link encodeFrame}.
 */
export function encodeFrameHead(
  command: string,
  headers: StompHeaders,
  bodyLength: number,
  options: EncodeOptions,
): Uint8Array {
  return utf8Encode(buildHead(command, headers, bodyLength, options, undefined));
}

function buildHead(
  command: string,
  headers: StompHeaders,
  bodyLength: number,
  options: EncodeOptions,
  body: Uint8Array | undefined,
): string {
  checkCommand(command);
  const mode: EscapeMode = escapeModeFor(options.version, command);
  let head = command + '\n';
  let hasContentLength = false;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    // Tolerate optional properties left undefined by callers building headers conditionally.
    if (value === undefined) continue;
    if (name === 'content-length') {
      hasContentLength = true;
      checkGivenContentLength(value, bodyLength);
    }
    head += escapeHeader(name, mode, true) + ':' + escapeHeader(value, mode, false) + '\n';
  }
  if (!hasContentLength) {
    if (bodyLength > 0 && options.contentLength !== false) {
      head += 'content-length:' + bodyLength + '\n';
    } else if (body !== undefined && bodyLength > 0) {
      const nul = body.indexOf(0);
      if (nul !== -1) {
        throw new StompCodecError(
          'INVALID_CONTENT_LENGTH',
          `body contains a NUL byte at offset ${nul}, so it needs a content-length header`,
        );
      }
    }
  }
  return head + '\n';
}

function checkGivenContentLength(value: string, bodyLength: number): void {
  if (parseContentLength(value) !== bodyLength) {
    throw new StompCodecError(
      'INVALID_CONTENT_LENGTH',
      `content-length header ${JSON.stringify(value)} does not match the body length of ${bodyLength} bytes`,
    );
  }
}

function checkCommand(command: string): void {
  if (command.length === 0 || command.indexOf('\n') !== -1 || command.indexOf('\r') !== -1) {
    throw new StompCodecError('UNKNOWN_COMMAND', `cannot encode command ${JSON.stringify(command)}`);
  }
}
