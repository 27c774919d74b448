/** Frames a client sends to a broker (STOMP 1.2 §Client Frames). */
export const CLIENT_COMMANDS: ReadonlySet<string> = new Set([
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
]);

/** Frames a broker sends to a client (STOMP 1.2 §Server Frames). */
export const SERVER_COMMANDS: ReadonlySet<string> = new Set(['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR']);

/** Every STOMP command; the parser's default. */
export const ALL_COMMANDS: ReadonlySet<string> = new Set([...CLIENT_COMMANDS, ...SERVER_COMMANDS]);

/**
 * STOMP 1.2 §Value Encoding: "CONNECT and CONNECTED frames do not escape" — STOMP is the
 * 1.1+ alias of CONNECT, so it is exempt too; otherwise a 1.0 server could not read it.
 */
export const UNESCAPED_COMMANDS: ReadonlySet<string> = new Set(['CONNECT', 'STOMP', 'CONNECTED']);
