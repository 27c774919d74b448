/**
 * Byte transports a STOMP session runs over: plain TCP, or WebSocket with one STOMP frame per
 * WebSocket message (the convention of STOMP over WebSocket clients and servers).
 */
import net from 'node:net';
import { WebSocket } from 'ws';
import { BrokerConnectionError, BenchTimeoutError } from './errors.js';

/** Where to connect. */
export type Endpoint = { kind: 'tcp'; host: string; port: number } | { kind: 'ws'; url: string; protocols: string[] };

/** A connected byte stream that carries STOMP frames. */
export interface Transport {
  /**
   * Queues one frame, given as parts written back to back (so a shared body needs no copy).
   * @returns false when the caller should wait for {@link Transport.drained} before writing more
   */
  writeFrame(parts: readonly Uint8Array[]): boolean;
  /** Starts batching writes until {@link Transport.uncork}. */
  cork(): void;
  uncork(): void;
  /** Resolves when the transport accepts writes again (at once if it does). */
  drained(): Promise<void>;
  /** Bytes received, in order; set once before data flows. */
  onData: (chunk: Buffer) => void;
  /** Called once when the connection ends, with the cause if it failed. */
  onClose: (error?: Error) => void;
  /** Ends the connection gracefully. */
  end(): void;
  /** Ends the connection at once. */
  destroy(): void;
}

/** Opens a transport, failing after `timeoutMs`. */
export function openTransport(endpoint: Endpoint, timeoutMs: number): Promise<Transport> {
  return endpoint.kind === 'tcp' ? openTcp(endpoint.host, endpoint.port, timeoutMs) : openWs(endpoint.url, endpoint.protocols, timeoutMs);
}

function openTcp(host: string, port: number, timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new BenchTimeoutError(`TCP connect to ${host}:${port} took over ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new BrokerConnectionError(`cannot connect to ${host}:${port}: ${err.message}`, { cause: err }));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new TcpTransport(socket));
    });
  });
}

class TcpTransport implements Transport {
  onData: (chunk: Buffer) => void = () => {};
  onClose: (error?: Error) => void = () => {};
  private failure: Error | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.failure = err;
    });
    socket.on('close', () => this.onClose(this.failure));
  }

  writeFrame(parts: readonly Uint8Array[]): boolean {
    let ok = true;
    for (const part of parts) ok = this.socket.write(part);
    return ok;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function openWs(url: string, protocols: string[], timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.once('error', (err) => reject(new BrokerConnectionError(`cannot open ${url}: ${err.message}`, { cause: err })));
    ws.once('open', () => {
      ws.removeAllListeners('error');
      resolve(new WsTransport(ws));
    });
  });
}

/**
 * ws has no 'drain' event; the send callback tells when a message has reached the socket, so
 * the count of messages not yet written is the backpressure signal.
 */
const WS_HIGH_WATER_MESSAGES = 256;

class WsTransport implements Transport {
  onData: (chunk: Buffer) => void = () => {};
  onClose: (error?: Error) => void = () => {};
  private unwritten = 0;
  private drainWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  private readonly afterSend = (): void => {
    this.unwritten--;
    if (this.unwritten < WS_HIGH_WATER_MESSAGES / 2 && this.drainWaiters.length > 0) this.releaseWaiters();
  };

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.onData(data));
    ws.on('error', (err) => {
      this.failure = err;
    });
    ws.on('close', () => {
      this.releaseWaiters();
      this.onClose(this.failure);
    });
  }

  writeFrame(parts: readonly Uint8Array[]): boolean {
    const message = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.unwritten++;
    this.ws.send(message, { binary: true }, this.afterSend);
    return this.unwritten < WS_HIGH_WATER_MESSAGES;
  }

  cork(): void {}

  uncork(): void {}

  drained(): Promise<void> {
    if (this.unwritten < WS_HIGH_WATER_MESSAGES || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  end(): void {
    this.ws.close();
  }

  destroy(): void {
    this.ws.terminate();
  }

  private releaseWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
