/**
 * Typed errors raised by the STOMP codec.
 * @packageDocumentation
 */

/** Stable machine-readable reasons a frame was rejected; the broker copies them into the ERROR frame's `code` header. */
export type CodecErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'HEADER_LINE_TOO_LONG'
  | 'COMMAND_TOO_LONG'
  | 'UNKNOWN_COMMAND'
  | 'MALFORMED_HEADER'
  | 'INVALID_ESCAPE'
  | 'INVALID_CONTENT_LENGTH'
  | 'MISSING_NUL'
  | 'INVALID_UTF8';

/**
 * A frame could not be parsed or serialised. The connection that produced it cannot be
 * resynchronised, so the broker answers with an ERROR frame and closes it.
 */
export class StompCodecError extends Error {
  /** Stable reason, safe to switch on and to send to peers. */
  readonly code: CodecErrorCode;

  constructor(code: CodecErrorCode, message: string) {
    super(message);
    this.name = 'StompCodecError';
    this.code = code;
  }
}
