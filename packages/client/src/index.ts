/**
 * A JMS-style client for STOMP brokers (tsmq, ActiveMQ): the javax.jms / jakarta.jms names, with
 * `async` where I/O happens. This is the Node entry point: it connects over TCP (`tcp://`,
 * `stomp://`), TLS (`ssl://`) and WebSocket (`ws://`, `wss://`). Browsers get `browser.ts`, which
 * has the same API over the browser's WebSocket only.
 * @packageDocumentation
 */
import { nodeTransportConnector } from './transport/node-connector.js';
import { setDefaultTransportConnector } from './transport/transport.js';

setDefaultTransportConnector(nodeTransportConnector);

export * from './api.js';
export { nodeTransportConnector } from './transport/node-connector.js';
