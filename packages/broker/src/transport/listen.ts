import type { Server } from 'node:net';
import { BrokerStartError } from '../errors.js';

/** Listens on host:port, turning a bind failure into a {@link BrokerStartError}. */
export function listen(server: Server, host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: Error) => reject(new BrokerStartError(`cannot listen for ${what} on ${host}:${port}: ${cause.message}`, { cause }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Bound address of a listening server. */
export function boundAddress(server: Server, host: string): { host: string; port: number } {
  const a = server.address();
  return a !== null && typeof a === 'object' ? { host, port: a.port } : { host, port: 0 };
}

/** Closes a server; resolves even when it was not listening. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
