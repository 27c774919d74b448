import net from 'node:net';
import tls from 'node:tls';
import type { TransportConnectorConfig } from '@tsmq/config';
import { boundAddress, closeServer, listen } from './listen.js';
import { loadTlsOptions } from './tls-options.js';
import type { AcceptHandler, Connector, StompTransport, TransportHandler } from './transport.js';

/** How long a closing socket may take to flush before it is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;

/** The transport of a socket, for the listeners below (shared by all sockets, so no closures per socket). */
const transportOf = Symbol('tsmq.transport');

interface OwnedSocket extends net.Socket {
  [transportOf]?: SocketTransport;
}

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[transportOf]!.handler!.onData(chunk);
}

function onSocketDrain(this: OwnedSocket): void {
  this[transportOf]!.handler!.onDrain();
}

function onSocketError(this: OwnedSocket): void {
  this.destroy();
}

function onSocketClose(this: OwnedSocket): void {
  const transport = this[transportOf]!;
  if (transport.closed) return;
  transport.closed = true;
  transport.handler!.onClose();
}

/** STOMP over a TCP (or TLS) socket. */
export class SocketTransport implements StompTransport {
  readonly messageOriented = false;
  private peer: string | undefined;
  /** @internal Set once the close was reported. */
  closed = false;
  /** @internal Set by {@link SocketTransport.attach}. */
  handler: TransportHandler | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
  }

  // Looked up when first asked for (logs, authenticators that want it): Node caches the peer's
  // address on the socket once read, which an idle connection need not pay for.
  get remoteAddress(): string {
    return (this.peer ??= `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`);
  }

  attach(handler: TransportHandler): void {
    const socket = this.socket as OwnedSocket;
    this.handler = handler;
    socket[transportOf] = this;
    socket.on('data', onSocketData);
    socket.on('drain', onSocketDrain);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
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
