import net from 'node:net';
import tls from 'node:tls';
import type { TransportConnectorConfig } from '@tsmq/config';
import { boundAddress, closeServer, listen } from './listen.js';
import { loadTlsOptions } from './tls-options.js';
import type { AcceptHandler, Connector, StompTransport, TransportHandler } from './transport.js';

/** How long a closing socket may take to flush before it is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;

/** STOMP over a TCP (or TLS) socket. */
export class SocketTransport implements StompTransport {
  readonly remoteAddress: string;
  readonly messageOriented = false;
  private closed = false;

  constructor(private readonly socket: net.Socket) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
  }

  attach(handler: TransportHandler): void {
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => handler.onData(chunk));
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
    if (socket.destroyed) return true;
    if (chunks.length === 1) return socket.write(chunks[0]!);
    // Corked writes leave as one writev: one syscall per batch, not per frame.
    socket.cork();
    let ok = true;
    for (const c of chunks) ok = socket.write(c);
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
    this.socket.end();
    // A socket paused for flow control would never read the peer's FIN, and so never close.
    this.socket.resume();
    setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Listens for STOMP over TCP, or over TLS for protocol `stomp+ssl`. */
export async function startTcpConnector(config: TransportConnectorConfig, accept: AcceptHandler): Promise<Connector> {
  const onSocket = (socket: net.Socket) => accept(new SocketTransport(socket));
  const server: net.Server =
    config.protocol === 'stomp+ssl'
      ? tls.createServer(await loadTlsOptions(config), onSocket)
      : net.createServer(onSocket);
  // A failed TLS handshake is the client's problem; it must not crash the broker.
  server.on('tlsClientError', () => {});
  await listen(server, config.host, config.port, config.protocol);
  return {
    address: () => boundAddress(server, config.host),
    close: () => closeServer(server),
  };
}
