/**
 * The server side of the WebSocket opening handshake (RFC 6455 §4.2) for STOMP connectors.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** STOMP WebSocket subprotocols, most preferred first. */
export const STOMP_SUBPROTOCOLS: readonly string[] = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** RFC 6455 §1.3: appended to the client's key before hashing. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** RFC 6455 §4.1: the key is 16 random bytes in base64, always 24 characters. */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

/** What to answer an upgrade request with: the 101 response, or a refusal. */
export type HandshakeAnswer = { accepted: true; response: string } | { accepted: false; response: string };

/**
 * Checks an upgrade request and builds the HTTP response to write on its socket. The best STOMP
 * subprotocol the client offers is chosen; a client offering none is accepted too (some STOMP
 * clients offer none). No extension is ever accepted, so messages are never compressed.
 */
export function answerUpgrade(request: IncomingMessage): HandshakeAnswer {
  const headers = request.headers;
  const key = headers['sec-websocket-key'];
  if (request.method !== 'GET' || headers.upgrade?.toLowerCase() !== 'websocket') {
    return refuse(400, 'Bad Request', 'Not a WebSocket upgrade request.');
  }
  // RFC 6455 §4.4: a version this server does not speak is answered with the one it does.
  if (headers['sec-websocket-version'] !== '13') {
    return refuse(426, 'Upgrade Required', 'Only WebSocket version 13 is supported.', 'Sec-WebSocket-Version: 13\r\n');
  }
  if (key === undefined || !KEY_PATTERN.test(key.trim())) {
    return refuse(400, 'Bad Request', 'Missing or invalid Sec-WebSocket-Key.');
  }
  const accept = createHash('sha1').update(key.trim() + ACCEPT_GUID).digest('base64');
  const protocol = chooseSubprotocol(headers['sec-websocket-protocol']);
  const response =
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accept}\r\n` +
    (protocol === undefined ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`) +
    '\r\n';
  return { accepted: true, response };
}

/** The most preferred of {@link STOMP_SUBPROTOCOLS} among those offered (a comma-separated header). */
export function chooseSubprotocol(offered: string | undefined): string | undefined {
  if (offered === undefined) return undefined;
  const names = new Set(offered.split(',').map((p) => p.trim()));
  return STOMP_SUBPROTOCOLS.find((p) => names.has(p));
}

function refuse(status: number, reason: string, text: string, extraHeaders = ''): HandshakeAnswer {
  return {
    accepted: false,
    response:
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n${extraHeaders}` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  };
}
