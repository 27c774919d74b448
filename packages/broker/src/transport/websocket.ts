import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type net from 'node:net';
import type { TransportConnectorConfig } from '@tsmq/config';
import { boundAddress, closeServer, listen } from './listen.js';
import { loadTlsOptions } from './tls-options.js';
import type { AcceptHandler, Connector, StompTransport, TransportHandler } from './transport.js';
import { answerUpgrade } from './websocket-handshake.js';
import {
  CLOSE_NORMAL,
  FrameReader,
  OP_BINARY,
  OP_CLOSE,
  OP_PONG,
  serverFrameHeader,
} from './websocket-frames.js';

export { STOMP_SUBPROTOCOLS } from './websocket-handshake.js';

/** How long a closing connection may take to finish the closing handshake before it is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * STOMP over one WebSocket (RFC 6455), framed here rather than by a WebSocket library: payload
 * bytes go to the STOMP parser as they arrive (see {@link FrameReader}), and each chunk written
 * becomes one binary message, its header and payload leaving in one corked write with the rest
 * of the batch. Flow control is the socket's own: `write` reports a full buffer as a TCP socket
 * does, and `pause` stops reading the socket.
 */
export class WebSocketTransport implements StompTransport {
  readonly remoteAddress: string;
  readonly messageOriented = true;
  private closed = false;
  /** A Close frame was sent: nothing else may follow it (RFC 6455 §5.5.1). */
  private closeSent = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly maxMessageSize: number,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    // Idle connections are STOMP heart-beating's business, not an HTTP server timeout's.
    socket.setTimeout(0);
  }

  attach(handler: TransportHandler): void {
    const socket = this.socket;
    const reader = new FrameReader(this.maxMessageSize, {
      onData: (bytes) => handler.onData(bytes),
      onPing: (payload) => {
        if (!this.closeSent) this.writeFrame(OP_PONG, payload);
      },
      // RFC 6455 §5.5.1: a Close frame is answered with one (echoing its code), then the TCP connection ends.
      onClose: (code) => this.finish(code ?? CLOSE_NORMAL),
      onError: (code) => this.finish(code),
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('drain', () => handler.onDrain());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      handler.onClose();
    });
  }

  write(chunks: Uint8Array[]): boolean {
    const socket = this.socket;
    if (socket.destroyed || this.closeSent) return true;
    if (chunks.length === 1) return this.writeFrame(OP_BINARY, chunks[0]!);
    // Corked writes leave as one writev: one syscall per batch, not per message.
    socket.cork();
    let ok = true;
    for (const c of chunks) ok = this.writeFrame(OP_BINARY, c);
    socket.uncork();
    return ok;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    if (this.socket.destroyed) return;
    this.finish(CLOSE_NORMAL);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private writeFrame(opcode: number, payload: Uint8Array): boolean {
    const socket = this.socket;
    if (payload.length === 0) return socket.write(serverFrameHeader(opcode, 0));
    socket.cork();
    socket.write(serverFrameHeader(opcode, payload.length));
    const ok = socket.write(payload);
    socket.uncork();
    return ok;
  }

  /** Sends a Close frame after what was written, ends the TCP connection, and destroys it if the peer lingers. */
  private finish(code: number): void {
    this.sendClose(code);
    this.socket.end();
    // A socket paused for flow control would never read the peer's Close frame and FIN.
    this.socket.resume();
    setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS).unref();
  }

  private sendClose(code: number): void {
    if (this.closeSent || this.socket.destroyed || !this.socket.writable) return;
    this.closeSent = true;
    const payload = Buffer.allocUnsafe(2);
    payload.writeUInt16BE(code, 0);
    this.writeFrame(OP_CLOSE, payload);
  }
}

/** Listens for STOMP over WebSocket (`ws`) or secure WebSocket (`wss`), on any path. */
export async function startWebSocketConnector(
  config: TransportConnectorConfig,
  accept: AcceptHandler,
): Promise<Connector> {
  const server =
    config.protocol === 'wss' ? https.createServer(await loadTlsOptions(config)) : http.createServer();
  server.on('tlsClientError', () => {});
  // The STOMP parser enforces maxFrameSize; this only bounds one WebSocket message.
  const maxMessageSize = config.maxFrameSize + 64 * 1024;
  const sockets = new Set<net.Socket>();
  server.on('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
    const text = 'This endpoint speaks STOMP over WebSocket only.';
    response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain', Connection: 'close' }).end(text);
  });
  server.on('upgrade', (request: http.IncomingMessage, duplex: Duplex, head: Buffer) => {
    const socket = duplex as net.Socket;
    socket.on('error', () => socket.destroy());
    const answer = answerUpgrade(request);
    if (!answer.accepted) {
      socket.end(answer.response);
      return;
    }
    socket.write(answer.response);
    // Bytes the client sent right after its request are the start of the first frame.
    if (head.length > 0) socket.unshift(head);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    accept(new WebSocketTransport(socket, maxMessageSize));
  });
  await listen(server, config.host, config.port, config.protocol);
  return {
    address: () => boundAddress(server, config.host),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}
