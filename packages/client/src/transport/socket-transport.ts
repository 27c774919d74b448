import type { Socket } from 'node:net';
import type { Transport, TransportEvents } from './transport.js';

/**
 * Wraps a connected Node socket (plain or TLS). Node's own buffering gives backpressure:
 * `write` returns false when the kernel buffer is full and `drain` follows.
 */
export function socketTransport(socket: Socket, events: TransportEvents, description: string): Transport {
  let closed = false;
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => events.data(chunk));
  socket.on('drain', () => events.drain());
  let failure: Error | undefined;
  socket.on('error', (e) => {
    failure = e;
  });
  socket.on('close', () => {
    if (closed) return;
    closed = true;
    events.closed(failure);
  });
  return {
    description,
    write: (bytes) => socket.write(bytes),
    close: () => {
      socket.end();
      // A peer that never answers the FIN must not keep the socket open.
      setTimeout(() => socket.destroy(), 2000).unref();
    },
  };
}

/** Resolves once `socket` emits `event`, rejecting on error or after `timeout` ms. */
export function whenConnected(socket: Socket, event: string, timeout: number, description: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connecting to ${description} timed out after ${timeout} ms`));
    }, timeout);
    socket.once(event, () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve();
    });
    const onError = (e: Error): void => {
      clearTimeout(timer);
      reject(e);
    };
    socket.once('error', onError);
  });
}
