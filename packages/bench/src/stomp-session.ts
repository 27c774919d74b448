/**
 * A lean STOMP 1.2 client session for load generation: the handshake, receipts, and a raw frame
 * path for the hot loop. Not a general-purpose client (that is @tsmq/client); it does exactly what
 * the benchmark needs and no per-message work beyond parsing.
 */
import { encodeFrame, type StompHeaders } from '@tsmq/codec';
import { FrameScanner, type ScannedFrame } from './frame-scanner.js';
import { BenchTimeoutError, BrokerConnectionError, BrokerProtocolError } from './errors.js';
import { openTransport, type Endpoint, type Transport } from './transport.js';

/** How to log in to a broker. */
export interface Credentials {
  login?: string;
  passcode?: string;
  /** Sent as the CONNECT `host` header; RabbitMQ takes it as the virtual host. Default `/`. */
  vhost?: string;
}

/** Options of {@link StompSession.open}. */
export interface SessionOptions extends Credentials {
  /** Heart-beat `cx,cy` to offer (STOMP 1.2 §Heart-beating); default `0,0` (none). */
  heartBeat?: [number, number];
  /** Bound for connecting and for every receipt awaited with {@link StompSession.request}. Default 15000 ms. */
  timeoutMs?: number;
  /** Largest frame accepted from the broker; default 100 MiB. */
  maxFrameSize?: number;
}

const ENCODE_12 = { version: '1.2' } as const;

/** One STOMP connection. */
export class StompSession {
  /** The broker's CONNECTED `server` header, e.g. `ActiveMQ/5.17.2`; empty when absent. */
  server = '';
  /** Called for every MESSAGE frame, synchronously from the parser. */
  onMessage: (frame: ScannedFrame) => void = () => {};
  /** Called for RECEIPT frames nobody awaits through {@link StompSession.request}. */
  onReceipt: (receiptId: string) => void = () => {};
  /** Called once when the session ends, with the cause if it failed. */
  onClosed: (error?: Error) => void = () => {};

  private readonly parser: FrameScanner;
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private connected: ((frame: ScannedFrame) => void) | undefined;
  private failure: Error | undefined;
  private closed = false;
  private nextRequestId = 0;

  private constructor(
    readonly transport: Transport,
    private readonly timeoutMs: number,
    maxFrameSize: number,
  ) {
    this.parser = new FrameScanner((frame) => this.dispatch(frame), maxFrameSize);
    transport.onData = (chunk) => {
      // Acks and other replies written while handling this chunk leave in one batch.
      transport.cork();
      try {
        this.parser.push(chunk);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      } finally {
        transport.uncork();
      }
    };
    transport.onClose = (error) => {
      // A close we asked for is not a failure.
      if (this.closed) return;
      this.closed = true;
      this.fail(
        error
          ? new BrokerConnectionError(`connection failed: ${error.message}`, { cause: error })
          : new BrokerConnectionError('connection closed by the broker'),
      );
    };
  }

  /** Connects and completes the STOMP 1.2 handshake. */
  static async open(endpoint: Endpoint, options: SessionOptions = {}): Promise<StompSession> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const transport = await openTransport(endpoint, timeoutMs);
    const session = new StompSession(transport, timeoutMs, options.maxFrameSize ?? 100 * 1024 * 1024);
    try {
      await session.handshake(options);
    } catch (error) {
      transport.destroy();
      throw error;
    }
    return session;
  }

  /** The first failure of the session, if any (an ERROR frame or a lost connection). */
  get error(): Error | undefined {
    return this.failure;
  }

  /**
   * From now on MESSAGE frames carry only these headers and no body, only its length (the
   * load-measuring consumers' cheap path); undefined: every header and the body.
   */
  leanMessages(headers: readonly string[] | undefined): void {
    this.parser.leanMessages(headers);
  }

  /** Writes one pre-encoded frame (parts back to back); false means wait for {@link StompSession.drained}. */
  writeRaw(parts: readonly Uint8Array[]): boolean {
    return this.transport.writeFrame(parts);
  }

  /** Encodes and writes one frame. */
  write(command: string, headers: StompHeaders, body?: Uint8Array): boolean {
    return this.transport.writeFrame([encodeFrame(command, headers, body, ENCODE_12)]);
  }

  /** Resolves when writes are accepted again. */
  drained(): Promise<void> {
    return this.transport.drained();
  }

  /** Sends a frame with a `receipt` header and waits for its RECEIPT (STOMP 1.2 §Header receipt). */
  request(command: string, headers: StompHeaders): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = `req-${this.nextRequestId++}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BenchTimeoutError(`no RECEIPT for ${command} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.write(command, { ...headers, receipt: id });
    });
  }

  /** DISCONNECT with a receipt, so that everything sent before has been processed (STOMP 1.2 §DISCONNECT). */
  async disconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.request('DISCONNECT', {});
    } finally {
      this.close();
    }
  }

  /** Drops the connection without a DISCONNECT. */
  close(): void {
    this.closed = true;
    this.transport.destroy();
  }

  private handshake(options: SessionOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BenchTimeoutError(`no CONNECTED within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      this.onClosed = (error) => {
        clearTimeout(timer);
        reject(error ?? new BrokerConnectionError('closed during the handshake'));
      };
      this.connected = (frame) => {
        clearTimeout(timer);
        this.onClosed = () => {};
        const version = frame.headers['version'] ?? '1.0';
        if (version !== '1.2') {
          reject(new BrokerProtocolError(`the broker chose STOMP ${version}; the benchmark speaks 1.2`));
          return;
        }
        this.server = frame.headers['server'] ?? '';
        resolve();
      };
      const headers: StompHeaders = {
        'accept-version': '1.2',
        host: options.vhost ?? '/',
        'heart-beat': (options.heartBeat ?? [0, 0]).join(','),
      };
      if (options.login !== undefined) headers['login'] = options.login;
      if (options.passcode !== undefined) headers['passcode'] = options.passcode;
      this.transport.writeFrame([encodeFrame('CONNECT', headers, undefined, ENCODE_12)]);
    });
  }

  private dispatch(frame: ScannedFrame): void {
    switch (frame.command) {
      case 'MESSAGE':
        this.onMessage(frame);
        return;
      case 'RECEIPT': {
        const id = frame.headers['receipt-id'] ?? '';
        const waiter = this.pending.get(id);
        if (waiter) {
          this.pending.delete(id);
          waiter.resolve();
        } else {
          this.onReceipt(id);
        }
        return;
      }
      case 'CONNECTED': {
        const connected = this.connected;
        this.connected = undefined;
        connected?.(frame);
        return;
      }
      case 'ERROR': {
        const text = Buffer.from(frame.body.buffer, frame.body.byteOffset, frame.body.length).toString('utf8');
        const message = frame.headers['message'] ?? 'ERROR frame';
        this.fail(new BrokerProtocolError(`broker ERROR: ${message}${text ? `: ${text.trim()}` : ''}`, frame.headers['code']));
        return;
      }
      default:
        this.fail(new BrokerProtocolError(`unexpected ${frame.command} frame from the broker`));
    }
  }

  private fail(error: Error): void {
    if (this.failure === undefined) this.failure = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    const onClosed = this.onClosed;
    this.onClosed = () => {};
    onClosed(this.failure);
    if (!this.closed) {
      this.closed = true;
      this.transport.destroy();
    }
  }
}
