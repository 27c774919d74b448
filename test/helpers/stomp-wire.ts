import { connect as tcpConnect, type Socket } from 'node:net';
import { encodeFrame, FrameParser, type StompFrame, type StompHeaders } from '@tsmq/codec';

/**
 * A bare STOMP 1.2 connection over TCP for tests that must see exactly what goes over the wire
 * (receipts, redelivered flags) without a client library in between.
 */
export class StompWire {
  /** Called for every frame the broker sends after CONNECTED. */
  onFrame: (frame: StompFrame) => void = () => {};
  /** Resolves when the socket is closed, for whatever reason. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Connects and completes the STOMP 1.2 handshake; rejects after `timeoutMs`. */
  static async open(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<StompWire> {
    const socket = tcpConnect({ port, host });
    socket.setNoDelay(true);
    const wire = new StompWire(socket);
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no CONNECTED from port ${port} within ${timeoutMs} ms`)), timeoutMs);
      let handshaken = false;
      const parser = new FrameParser(
        (frame) => {
          if (handshaken) return wire.onFrame(frame);
          clearTimeout(timer);
          if (frame.command !== 'CONNECTED') return reject(new Error(`expected CONNECTED, got ${frame.command}: ${frame.headers.message ?? ''}`));
          handshaken = true;
          parser.setVersion('1.2');
          resolve();
        },
        { version: '1.2' },
      );
      socket.on('data', (chunk: Buffer) => parser.push(chunk));
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error('connection closed during the handshake'));
      });
    });
    socket.write(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' }, undefined, { version: '1.2' }));
    await connected;
    // Errors after the handshake show up as `closed`; the test decides what they mean.
    socket.on('error', () => {});
    return wire;
  }

  send(command: string, headers: StompHeaders, body?: string): void {
    if (this.socket.destroyed) return;
    this.socket.write(encodeFrame(command, headers, body === undefined ? undefined : new TextEncoder().encode(body), { version: '1.2' }));
  }

  close(): void {
    this.socket.destroy();
  }
}
