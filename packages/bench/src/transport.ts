/**
 * Byte transports a STOMP session runs over: plain TCP, or WebSocket with one STOMP frame per
 * WebSocket message (the convention of STOMP over WebSocket clients and servers).
 */
import net from 'node:net';
import tls from 'node:tls';
import { WebSocket } from 'ws';
import { BrokerConnectionError, BenchTimeoutError } from './errors.js';
import { encodeMaskedFrame } from './websocket-frame.js';

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
    return socketDrained(this.socket);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** What http.request passes to `createConnection` for an upgrade request. */
type ConnectOptions = tls.ConnectionOptions & { host?: string; port?: number; path?: string | undefined; socketPath?: string };

/** Opens the socket of a WebSocket handshake, as `ws` itself would. */
function connect(options: ConnectOptions, secure: boolean): net.Socket {
  // The request's `path` is the URL path; to net.connect it would mean a local socket file.
  options.path = secure ? undefined : options.socketPath;
  if (secure && options.servername === undefined) options.servername = net.isIP(options.host ?? '') ? '' : options.host;
  const socket = secure ? tls.connect(options) : net.connect(options as net.NetConnectOpts);
  socket.setNoDelay(true);
  return socket;
}

/** Resolves once `socket` takes writes again, or is closed. */
function socketDrained(socket: net.Socket): Promise<void> {
  if (!socket.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

function openWs(url: string, protocols: string[], timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket | undefined;
    const ws = new WebSocket(url, protocols, {
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      // ws passes this on to http.request: it hands over the socket, so the transport can cork it.
      createConnection: ((options: ConnectOptions) => {
        socket = connect(options, url.startsWith('wss:'));
        return socket;
      }) as typeof net.createConnection,
    });
    ws.binaryType = 'nodebuffer';
    ws.once('error', (err) => reject(new BrokerConnectionError(`cannot open ${url}: ${err.message}`, { cause: err })));
    ws.once('open', () => {
      ws.removeAllListeners('error');
      resolve(new WsTransport(ws, socket!));
    });
  });
}

/**
 * STOMP over WebSocket, one STOMP frame per WebSocket message: the convention every STOMP over
 * WebSocket server accepts (RabbitMQ's Web-STOMP among them), so the generator stays a neutral
 * client. `ws` does the opening handshake, reads what the broker sends and answers its control
 * frames; the data frames sent are encoded here ({@link encodeMaskedFrame}) and written straight
 * to the socket, each whole, so they interleave with the control frames `ws` writes only at frame
 * boundaries. Writes are corked and backpressured exactly as over TCP, so scenario 1 and its
 * WebSocket twin differ only in the framing.
 */
class WsTransport implements Transport {
  onData: (chunk: Buffer) => void = () => {};
  onClose: (error?: Error) => void = () => {};
  private failure: Error | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: net.Socket,
  ) {
    ws.on('message', (data: Buffer) => this.onData(data));
    ws.on('error', (err) => {
      this.failure = err;
    });
    ws.on('close', () => this.onClose(this.failure));
  }

  writeFrame(parts: readonly Uint8Array[]): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return true;
    return this.socket.write(encodeMaskedFrame(parts));
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  drained(): Promise<void> {
    return socketDrained(this.socket);
  }

  end(): void {
    this.ws.close();
  }

  destroy(): void {
    this.ws.terminate();
  }
}
