import net from 'node:net';
import {
  encodeFrame,
  FrameParser,
  SERVER_COMMANDS,
  utf8Decode,
  utf8Encode,
  type StompFrame,
  type StompHeaders,
  type StompVersion,
} from '@tsmq/codec';
import { WebSocket } from 'ws';

const DEFAULT_TIMEOUT_MS = 2_000;

interface Waiter {
  resolve(frame: StompFrame): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A deliberately dumb STOMP client for broker tests: it sends exactly the frames (or bytes) it
 * is told to and hands back every frame it receives, in order. Every wait is bounded.
 */
export class RawStompClient {
  /** STOMP version used to encode frames; set from CONNECTED by {@link connect}. */
  version: StompVersion = '1.0';
  /** EOLs received between frames. */
  heartbeats = 0;
  /** Time of the last byte received (ms since epoch). */
  lastReceivedAt = Date.now();
  readonly frames: StompFrame[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly parser: FrameParser;
  private closed = false;
  private readonly closedPromise: Promise<void>;
  private markClosed!: () => void;
  private writeRaw: (bytes: Uint8Array) => void = () => {};
  private closeTransport: () => void = () => {};
  private pauseTransport: () => void = () => {};
  private resumeTransport: () => void = () => {};
  /** The WebSocket subprotocol the broker chose (WebSocket clients only). */
  subprotocol = '';

  private constructor() {
    this.parser = new FrameParser((f) => this.onFrame(f), { commands: SERVER_COMMANDS }, () => this.heartbeats++);
    this.closedPromise = new Promise((resolve) => {
      this.markClosed = () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error('connection closed while waiting for a frame'));
        }
        resolve();
      };
    });
  }

  /** Opens a TCP connection (no STOMP frame sent yet). */
  static tcp(port: number, host = '127.0.0.1'): Promise<RawStompClient> {
    const client = new RawStompClient();
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        resolve(client);
      });
      socket.on('data', (chunk) => client.onData(chunk));
      socket.on('close', () => client.markClosed());
      client.writeRaw = (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      };
      client.closeTransport = () => socket.destroy();
      client.pauseTransport = () => socket.pause();
      client.resumeTransport = () => socket.resume();
    });
  }

  /** Opens a WebSocket (no STOMP frame sent yet). */
  static ws(url: string, protocols: string[] = ['v12.stomp', 'v11.stomp', 'v10.stomp']): Promise<RawStompClient> {
    const client = new RawStompClient();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols);
      ws.once('error', reject);
      ws.once('open', () => {
        ws.off('error', reject);
        ws.on('error', () => {});
        client.subprotocol = ws.protocol;
        resolve(client);
      });
      ws.on('message', (data: Buffer) => client.onData(data));
      ws.on('close', () => client.markClosed());
      client.writeRaw = (bytes) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
      };
      client.wsSendText = (text) => ws.send(text, { binary: false });
      client.closeTransport = () => ws.terminate();
      client.pauseTransport = () => ws.pause();
      client.resumeTransport = () => ws.resume();
    });
  }

  /** WebSocket only: sends one text message. */
  wsSendText: (text: string) => void = () => {
    throw new Error('not a WebSocket client');
  };

  private onData(chunk: Uint8Array): void {
    this.lastReceivedAt = Date.now();
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.closeTransport();
      throw error;
    }
  }

  private onFrame(frame: StompFrame): void {
    const w = this.waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      w.resolve(frame);
    } else {
      this.frames.push(frame);
    }
  }

  /** Sends raw bytes or text exactly as given. */
  sendRaw(data: Uint8Array | string): void {
    this.writeRaw(typeof data === 'string' ? utf8Encode(data) : data);
  }

  /** Encodes and sends one frame with the current version's escaping. */
  send(command: string, headers: StompHeaders = {}, body?: string | Uint8Array): void {
    const bytes = typeof body === 'string' ? utf8Encode(body) : body;
    this.writeRaw(encodeFrame(command, headers, bytes, { version: this.version }));
  }

  /** CONNECT and wait for CONNECTED (default: accept 1.2). */
  async connect(headers: StompHeaders = { 'accept-version': '1.2', host: 'localhost' }): Promise<StompFrame> {
    this.send('CONNECT', headers);
    const frame = await this.next('CONNECTED');
    this.version = (frame.headers.version as StompVersion | undefined) ?? '1.0';
    this.parser.setVersion(this.version);
    return frame;
  }

  /** The next frame received; when `command` is given, fails if the frame is another one. */
  next(command?: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<StompFrame> {
    const check = (frame: StompFrame) => {
      if (command !== undefined && frame.command !== command) {
        throw new Error(
          `expected ${command}, got ${frame.command} ${JSON.stringify({ ...frame.headers })} ${utf8Decode(frame.body).slice(0, 200)}`,
        );
      }
      return frame;
    };
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued).then(check);
    if (this.closed) return Promise.reject(new Error(`connection closed while waiting for ${command ?? 'a frame'}`));
    return new Promise<StompFrame>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no ${command ?? 'frame'} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    }).then(check);
  }

  /**
   * Waits past other frames for the next `command` frame, each wait bounded by `timeoutMs`; what it
   * passed over is appended to `skipped` (say, the receipts of the SENDs accepted before an ERROR).
   */
  async skipTo(command: string, timeoutMs = DEFAULT_TIMEOUT_MS, skipped: StompFrame[] = []): Promise<StompFrame> {
    for (;;) {
      const f = await this.next(undefined, timeoutMs);
      if (f.command === command) return f;
      skipped.push(f);
    }
  }

  /** Frames received until the RECEIPT for a probe frame: everything the broker wrote before it. */
  async barrier(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<StompFrame[]> {
    const id = `barrier-${Math.random().toString(36).slice(2)}`;
    this.send('SEND', { destination: '/topic/tsmq.test.barrier', receipt: id });
    const before: StompFrame[] = [];
    for (;;) {
      const f = await this.next(undefined, timeoutMs);
      if (f.command === 'RECEIPT' && f.headers['receipt-id'] === id) return before;
      before.push(f);
    }
  }

  /** Resolves when the broker closed the connection; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return Promise.race([
      this.closedPromise,
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops reading from the socket (the broker's writes then back up). */
  pause(): void {
    this.pauseTransport();
  }

  /** Reads again after {@link pause}. */
  resume(): void {
    this.resumeTransport();
  }

  /** Drops the connection without DISCONNECT. */
  close(): void {
    this.closeTransport();
  }
}

/** Body of a frame as text. */
export const text = (frame: StompFrame): string => utf8Decode(frame.body);
