/**
 * The Node transport connector: TCP, TLS and WebSocket (through the `ws` package, which honours the
 * TLS settings). Modules load on first use of their scheme.
 * @packageDocumentation
 */
import type { TransportConnector } from './transport.js';
import type { WebSocketFactory, WebSocketLike } from './websocket.js';

const nodeWebSocket: WebSocketFactory = async (url, protocols, options) => {
  const { WebSocket } = await import('ws');
  const tls = options.tls ?? {};
  return new WebSocket(url, protocols, {
    ca: tls.ca as string | undefined,
    cert: tls.cert as string | undefined,
    key: tls.key as string | undefined,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  } as import('ws').ClientOptions) as unknown as WebSocketLike;
};

/** Opens the transport an endpoint's scheme calls for. */
export const nodeTransportConnector: TransportConnector = async (endpoint, events, options) => {
  switch (endpoint.scheme) {
    case 'tcp':
      return (await import('./tcp.js')).openTcp(endpoint, events, options);
    case 'ssl':
      return (await import('./tls.js')).openTls(endpoint, events, options);
    case 'ws':
    case 'wss':
      return (await import('./websocket.js')).openWebSocket(endpoint, events, options, nodeWebSocket);
  }
};
