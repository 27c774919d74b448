/**
 * The byte pipe under a STOMP connection. One module per transport (TCP, TLS, WebSocket) keeps
 * Node built-ins out of browser bundles: they are loaded only when such an endpoint is used.
 * @packageDocumentation
 */
import type { BrokerEndpoint } from '../url.js';

/** What a transport reports to its owner. */
export interface TransportEvents {
  /** Bytes arrived. The chunk is not reused by the transport. */
  data(chunk: Uint8Array): void;
  /** The output buffer emptied below its limit after {@link Transport.write} returned false. */
  drain(): void;
  /** The transport closed; `error` says why when it was not a normal close. Called once. */
  closed(error: Error | undefined): void;
}

/** An open, bidirectional byte stream to a broker. */
export interface Transport {
  /** Queues bytes for sending; false means the output buffer is full: wait for `drain`. */
  write(bytes: Uint8Array): boolean;
  /** Closes the transport; `closed` follows. */
  close(): void;
  /** A description for errors and logs, e.g. `tcp://127.0.0.1:61613`. */
  readonly description: string;
}

/** TLS settings for `ssl://` and `wss://` endpoints (Node only; browsers use their own trust store). */
export interface TlsSettings {
  /** PEM CA certificates to trust instead of the system's. */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /** PEM client certificate and key, for brokers that require client authentication. */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** Default true. Turning it off accepts any certificate: for tests only. */
  rejectUnauthorized?: boolean;
  /** SNI / certificate host name when it differs from the endpoint host. */
  servername?: string;
}

/** Options every transport understands. */
export interface TransportOptions {
  /** Milliseconds to wait for the transport to open. */
  connectTimeout: number;
  tls?: TlsSettings;
}

/** Opens a transport to one endpoint. */
export type TransportConnector = (
  endpoint: BrokerEndpoint,
  events: TransportEvents,
  options: TransportOptions,
) => Promise<Transport>;

let defaultConnector: TransportConnector | undefined;

/**
 * Installs the connector used when a factory names none. Each entry point installs its own: the
 * Node entry one that knows TCP, TLS and WebSocket, the browser entry one that knows only the
 * browser's WebSocket, so a browser bundle never pulls in Node built-ins.
 */
export function setDefaultTransportConnector(connector: TransportConnector): void {
  defaultConnector = connector;
}

/** The connector installed by the entry point. */
export function getDefaultTransportConnector(): TransportConnector {
  if (defaultConnector === undefined) {
    throw new Error('no transport connector installed: import @tsmq/client through its package entry point');
  }
  return defaultConnector;
}
