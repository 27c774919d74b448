import { connect } from 'node:tls';
import type { BrokerEndpoint } from '../url.js';
import { socketTransport, whenConnected } from './socket-transport.js';
import type { Transport, TransportEvents, TransportOptions } from './transport.js';

/** Opens a TLS connection (`ssl://`, `stomp+ssl://`), verifying the broker certificate unless told not to. */
export async function openTls(endpoint: BrokerEndpoint, events: TransportEvents, options: TransportOptions): Promise<Transport> {
  const description = `ssl://${endpoint.host}:${endpoint.port}`;
  const tls = options.tls ?? {};
  const socket = connect({
    host: endpoint.host,
    port: endpoint.port,
    servername: tls.servername ?? (isIpAddress(endpoint.host) ? undefined : endpoint.host),
    ca: tls.ca as string | undefined,
    cert: tls.cert as string | undefined,
    key: tls.key as string | undefined,
    rejectUnauthorized: tls.rejectUnauthorized ?? endpoint.options['verifyHostName'] !== 'false',
  });
  await whenConnected(socket, 'secureConnect', options.connectTimeout, description);
  return socketTransport(socket, events, description);
}

function isIpAddress(host: string): boolean {
  return host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}
