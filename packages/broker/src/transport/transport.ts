/**
 * The byte pipe a STOMP connection runs over. The protocol layer knows nothing else about
 * TCP, TLS or WebSocket.
 * @packageDocumentation
 */

/** Events a transport reports to its connection. */
export interface TransportHandler {
  /** Bytes received (a TCP chunk, or one WebSocket message). */
  onData(chunk: Uint8Array): void;
  /** The transport's buffer emptied after {@link StompTransport.write} returned false. */
  onDrain(): void;
  /** The transport closed (by either side); called once. */
  onClose(error?: Error): void;
}

/** One client connection's transport. */
export interface StompTransport {
  /** `host:port` of the peer, for logs. */
  readonly remoteAddress: string;
  /**
   * True when each written chunk becomes one message on the wire (WebSocket): every chunk must
   * then be whole frames, so the connection never writes a frame's head and body separately.
   */
  readonly messageOriented: boolean;
  /** Starts delivering events to `handler`. */
  attach(handler: TransportHandler): void;
  /**
   * Writes chunks in one go (frames, parts of frames, heart-beat EOLs; see {@link messageOriented}).
   * Returns false when the buffer is full: the caller waits for `onDrain` before writing more.
   */
  write(chunks: Uint8Array[]): boolean;
  /** Stops reading (the peer's writes then back up in the network). */
  pause(): void;
  resume(): void;
  /** Flushes what was written, then closes. */
  close(): void;
  /** Closes at once, dropping unsent data. */
  destroy(): void;
}

/** A listening connector. */
export interface Connector {
  /** The address actually bound (port 0 resolved). */
  address(): { host: string; port: number };
  /** Stops accepting connections; resolves once the listener is closed. */
  close(): Promise<void>;
}

/** Called for each accepted connection. */
export type AcceptHandler = (transport: StompTransport) => void;
