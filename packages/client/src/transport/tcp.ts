import { connect } from 'node:net';
import type { BrokerEndpoint } from '../url.js';
import { socketTransport, whenConnected } from './socket-transport.js';
import type { Transport, TransportEvents, TransportOptions } from './transport.js';

/** Opens a plain TCP connection (`tcp://`, `stomp://`). */
export async function openTcp(endpoint: BrokerEndpoint, events: TransportEvents, options: TransportOptions): Promise<Transport> {
  const description = `tcp://${endpoint.host}:${endpoint.port}`;
  const socket = connect({ host: endpoint.host, port: endpoint.port });
  await whenConnected(socket, 'connect', options.connectTimeout, description);
  return socketTransport(socket, events, description);
}
