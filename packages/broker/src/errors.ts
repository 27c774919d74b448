/**
 * Typed errors of the broker; their `code` is stable and is sent in the STOMP ERROR frame's `code` header.
 * @packageDocumentation
 */
import type { CodecErrorCode } from '@tsmq/codec';

/** Codes the broker puts in ERROR frames, besides the codec's and the store's. */
export type ProtocolErrorCode =
  | 'NOT_CONNECTED'
  | 'ALREADY_CONNECTED'
  | 'UNSUPPORTED_VERSION'
  | 'AUTHENTICATION_FAILED'
  | 'MISSING_HEADER'
  | 'INVALID_HEADER'
  | 'INVALID_DESTINATION'
  | 'DESTINATION_DELETED'
  | 'DUPLICATE_SUBSCRIPTION'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'INVALID_SELECTOR'
  | 'DURABLE_SUBSCRIPTION_IN_USE'
  | 'INVALID_CLIENT_ID'
  | 'UNKNOWN_ACK_ID'
  | 'UNKNOWN_TRANSACTION'
  | 'DUPLICATE_TRANSACTION'
  | 'MAX_CONNECTIONS'
  | 'MEMORY_FULL'
  | 'ACCESS_DENIED'
  | 'BROKER_STOPPING';

/** Every code that can appear in the `code` header of an ERROR frame sent by this broker. */
export type BrokerErrorCode =
  | ProtocolErrorCode
  | CodecErrorCode
  | 'STORE_FULL'
  | 'STORE_IO'
  | 'STORE_CORRUPT'
  | 'STORE_CLOSED'
  | 'INTERNAL_ERROR';

/**
 * A client frame broke a protocol rule. The connection answers with an ERROR frame carrying
 * {@link StompProtocolError.code} and closes, as STOMP 1.2 §ERROR requires.
 */
export class StompProtocolError extends Error {
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    /** Longer explanation for the ERROR frame's body. */
    readonly detail?: string,
    /** Extra headers for the ERROR frame (e.g. `version` for UNSUPPORTED_VERSION). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'StompProtocolError';
  }
}

/** The broker could not start (a port in use, an unreadable TLS file, a store that failed to open). */
export class BrokerStartError extends Error {
  readonly code = 'BROKER_START_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerStartError';
  }
}
