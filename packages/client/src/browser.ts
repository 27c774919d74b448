/**
 * The browser entry point of the JMS-style client: the same API as the Node entry, connecting over
 * the browser's WebSocket (`ws://`, `wss://`). It imports no Node built-in.
 * @packageDocumentation
 */
import { browserTransportConnector } from './transport/browser-connector.js';
import { setDefaultTransportConnector } from './transport/transport.js';

setDefaultTransportConnector(browserTransportConnector);

export * from './api.js';
export { browserTransportConnector } from './transport/browser-connector.js';
