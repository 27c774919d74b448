import http from 'node:http';
import https from 'node:https';
import type { TransportConnectorConfig } from '@tsmq/config';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { boundAddress, closeServer, listen } from './listen.js';
import { loadTlsOptions } from './tls-options.js';
import type { AcceptHandler, Connector, StompTransport, TransportHandler } from './transport.js';

/** STOMP WebSocket subprotocols, most preferred first. */
export const STOMP_SUBPROTOCOLS: readonly string[] = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** Bytes queued in the WebSocket above which write() reports a full buffer. */
const HIGH_WATER_MARK = 1024 * 1024;
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * STOMP over one WebSocket. Incoming messages (text or binary) are fed to the parser as bytes,
 * so a message may hold several frames or part of one; each outgoing frame is one binary message.
 */
export class WebSocketTransport implements StompTransport {
  readonly remoteAddress: string;
  readonly messageOriented = true;
  private handler: TransportHandler | undefined;
  private waitingForDrain = false;
  private closed = false;
  /** Invoked when the last frame of a batch left the buffer; one closure per transport. */
  private readonly onFlushed = () => {
    if (this.waitingForDrain && this.ws.bufferedAmount < HIGH_WATER_MARK) {
      this.waitingForDrain = false;
      this.handler?.onDrain();
    }
  };

  constructor(
    private readonly ws: WebSocket,
    remoteAddress: string,
  ) {
    this.remoteAddress = remoteAddress;
  }

  attach(handler: TransportHandler): void {
    this.handler = handler;
    this.ws.on('message', (data: RawData) => {
      if (Array.isArray(data)) for (const part of data) handler.onData(part);
      else handler.onData(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    });
    this.ws.on('error', () => this.ws.terminate());
    this.ws.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      handler.onClose();
    });
  }

  write(chunks: Uint8Array[]): boolean {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return true;
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) ws.send(chunks[i]!, { binary: true });
    ws.send(chunks[last]!, { binary: true }, this.onFlushed);
    if (ws.bufferedAmount >= HIGH_WATER_MARK) {
      this.waitingForDrain = true;
      return false;
    }
    return true;
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000);
    // A socket paused for flow control would never read the peer's close frame.
    this.ws.resume();
    setTimeout(() => this.ws.terminate(), CLOSE_TIMEOUT_MS).unref();
  }

  destroy(): void {
    this.ws.terminate();
  }
}

/** Picks the best STOMP subprotocol the client offered; none offered is accepted too. */
function chooseSubprotocol(offered: Set<string>): string | false {
  for (const p of STOMP_SUBPROTOCOLS) if (offered.has(p)) return p;
  return false;
}

/** Listens for STOMP over WebSocket (`ws`) or secure WebSocket (`wss`), on any path. */
export async function startWebSocketConnector(
  config: TransportConnectorConfig,
  accept: AcceptHandler,
): Promise<Connector> {
  const server =
    config.protocol === 'wss' ? https.createServer(await loadTlsOptions(config)) : http.createServer();
  server.on('tlsClientError', () => {});
  const wss = new WebSocketServer({
    server,
    handleProtocols: chooseSubprotocol,
    // The STOMP parser enforces maxFrameSize; this only bounds one WebSocket message.
    maxPayload: config.maxFrameSize + 64 * 1024,
    perMessageDeflate: false,
  });
  wss.on('connection', (ws, request) => {
    const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    accept(new WebSocketTransport(ws, remote));
  });
  await listen(server, config.host, config.port, config.protocol);
  return {
    address: () => boundAddress(server, config.host),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeServer(server);
    },
  };
}
