import tls from 'node:tls';
import { encodeFrame, FrameParser, type StompFrame } from '@tsmq/codec';

/**
 * Connects to 127.0.0.1:`port` over TLS (trusting `options.ca`), sends CONNECT and resolves with the
 * first frame; rejects when the handshake fails, the connection closes first, or after 5 s.
 */
export function firstFrameOverTls(port: number, options: tls.ConnectionOptions = {}): Promise<StompFrame> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options }, () => {
      socket.write(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost' }, undefined, { version: '1.2' }));
    });
    const parser = new FrameParser((f) => {
      resolve(f);
      socket.destroy();
    });
    socket.on('data', (d) => parser.push(d));
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before any frame')));
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
  });
}
