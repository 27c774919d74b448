/**
 * STOMP frame model shared by the parser, the serializer, the broker and the client.
 * @packageDocumentation
 */

import type { BodyPieces, FrameBody } from './body-pieces.js';
import type { PiecewiseFrameParser } from './parser.js';

/** The STOMP protocol versions this codec speaks. */
export type StompVersion = '1.0' | '1.1' | '1.2';

/**
 * Frame headers. The parser builds them with a null prototype so that a header named
 * `__proto__` or `constructor` is just a header. When a header repeats, the first
 * occurrence wins (STOMP 1.2 §Repeated Header Entries).
 */
export type StompHeaders = Record<string, string>;

/** One STOMP frame. The body is a view on the received bytes where possible, never a copy. */
export interface StompFrame {
  /** `CONNECT`, `SEND`, `MESSAGE`, ... exactly as on the wire. */
  command: string;
  headers: StompHeaders;
  /** Raw body bytes; empty when the frame has none. */
  body: Uint8Array;
}

/**
 * A frame from a {@link PiecewiseFrameParser}: like {@link StompFrame}, but a large body that
 * arrived in several chunks is {@link BodyPieces} rather than one buffer.
 */
export interface PiecewiseFrame {
  command: string;
  headers: StompHeaders;
  body: FrameBody;
}
