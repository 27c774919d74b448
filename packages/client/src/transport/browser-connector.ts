/**
 * The browser transport connector: WebSocket only, through the browser's own WebSocket (and trust
 * store). TCP and TLS URLs need Node.
 * @packageDocumentation
 */
import { InvalidBrokerUrlException } from '../url.js';
import type { TransportConnector } from './transport.js';
import { openWebSocket, type WebSocketFactory, type WebSocketLike } from './websocket.js';

const browserWebSocket: WebSocketFactory = async (url, protocols) => {
  const Ctor = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket;
  if (Ctor === undefined) throw new Error('this environment has no WebSocket');
  return new Ctor(url, protocols);
};

/** Opens `ws://` and `wss://` endpoints; refuses the others. */
export const browserTransportConnector: TransportConnector = async (endpoint, events, options) => {
  if (endpoint.scheme !== 'ws' && endpoint.scheme !== 'wss') {
    throw new InvalidBrokerUrlException(`${endpoint.url}: browsers can only connect with ws:// or wss://`);
  }
  return openWebSocket(endpoint, events, options, browserWebSocket);
};
