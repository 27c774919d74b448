import type { BrokerEndpoint } from '../url.js';
import type { Transport, TransportEvents, TransportOptions } from './transport.js';

/** STOMP's registered WebSocket subprotocols, preferred version first. */
export const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** Above this many unsent bytes `write` reports backpressure. */
const HIGH_WATER_MARK = 1024 * 1024;
/** How often a full output buffer is re-checked: WebSocket has no drain event. */
const DRAIN_POLL_MS = 10;

/** The part of the WebSocket API shared by browsers and the `ws` package. */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

const encoder = new TextEncoder();

/** Creates a WebSocket speaking the given subprotocols: the `ws` package in Node, the global one in browsers. */
export type WebSocketFactory = (url: string, protocols: string[], options: TransportOptions) => Promise<WebSocketLike>;

/** Opens a WebSocket (`ws://`, `wss://`) with the STOMP subprotocols. */
export async function openWebSocket(
  endpoint: BrokerEndpoint,
  events: TransportEvents,
  options: TransportOptions,
  createSocket: WebSocketFactory,
): Promise<Transport> {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const query = new URLSearchParams(endpoint.options).toString();
  const url = `${endpoint.scheme}://${host}:${endpoint.port}${endpoint.path}${query ? `?${query}` : ''}`;
  const socket = await createSocket(url, STOMP_SUBPROTOCOLS, options);
  socket.binaryType = 'arraybuffer';

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`connecting to ${url} timed out after ${options.connectTimeout} ms`));
    }, options.connectTimeout);
    socket.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.onerror = (ev) => {
      clearTimeout(timer);
      const message = (ev as { message?: string }).message;
      reject(new Error(`WebSocket ${url} failed${message ? `: ${message}` : ''}`));
    };
  });

  let closed = false;
  let draining = false;
  let lastError: Error | undefined;
  socket.onmessage = (ev) => {
    const data = ev.data;
    if (typeof data === 'string') events.data(encoder.encode(data));
    else if (data instanceof ArrayBuffer) events.data(new Uint8Array(data));
    else if (ArrayBuffer.isView(data)) events.data(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  };
  socket.onerror = (ev) => {
    lastError = new Error(`WebSocket ${url} failed: ${(ev as { message?: string }).message ?? 'error'}`);
  };
  socket.onclose = (ev) => {
    if (closed) return;
    closed = true;
    events.closed(lastError ?? (ev.code === 1000 ? undefined : new Error(`WebSocket closed with code ${ev.code} ${ev.reason}`)));
  };
  const pollDrain = (): void => {
    if (closed) return;
    if (socket.bufferedAmount < HIGH_WATER_MARK) {
      draining = false;
      events.drain();
    } else {
      setTimeout(pollDrain, DRAIN_POLL_MS);
    }
  };
  return {
    description: url,
    write(bytes) {
      socket.send(bytes);
      if (socket.bufferedAmount < HIGH_WATER_MARK) return true;
      if (!draining) {
        draining = true;
        setTimeout(pollDrain, DRAIN_POLL_MS);
      }
      return false;
    },
    close() {
      socket.close(1000);
    },
  };
}
