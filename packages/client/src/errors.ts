/**
 * The JMS exception hierarchy, with the names a JMS developer catches.
 *
 * Every exception carries a stable string {@link JMSException.code} (the JMS `errorCode`). When the
 * failure came from the broker, `code` and `message` are the broker's ERROR frame `code` header and
 * `message` header, unchanged, so logs on both sides line up.
 * @packageDocumentation
 */

/** What a broker ERROR frame said, kept on exceptions created from one. */
export interface BrokerErrorDetails {
  /** The ERROR frame's `message` header. */
  message: string;
  /** The ERROR frame's `code` header, if present. */
  code?: string;
  /** The ERROR frame's body decoded as text (often a longer explanation). */
  detail?: string;
  /** The `receipt-id` the ERROR answered, if any. */
  receiptId?: string;
}

/** Options shared by every exception constructor. */
export interface JMSExceptionOptions {
  /** The stable error code; defaults to the class's own code. */
  code?: string;
  /** The underlying cause (JMS `linkedException`). */
  cause?: unknown;
  /** Set when the exception was created from a broker ERROR frame. */
  broker?: BrokerErrorDetails;
}

/**
 * Base of every JMS failure (JMS 2.0 §10.3). `errorCode` is the provider-specific code; here it is
 * always the same string as {@link JMSException.code}.
 */
export class JMSException extends Error {
  /** The stable string code, e.g. `INVALID_SELECTOR` or `ILLEGAL_STATE`. */
  readonly code: string;
  /** The broker ERROR frame this came from, if it came from the broker. */
  readonly broker: BrokerErrorDetails | undefined;
  /** The underlying cause, as JMS's `getLinkedException()` returns it. */
  linkedException: unknown;

  constructor(message: string, options: JMSExceptionOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? (new.target as unknown as { defaultCode?: string }).defaultCode ?? 'JMS_ERROR';
    this.broker = options.broker;
    this.linkedException = options.cause;
  }

  /** The code used when none is given. */
  static defaultCode = 'JMS_ERROR';

  /** JMS name of {@link JMSException.code}. */
  get errorCode(): string {
    return this.code;
  }

  /** JMS 1.1 accessor for the cause. */
  getLinkedException(): unknown {
    return this.linkedException;
  }

  /** JMS 1.1 mutator for the cause. */
  setLinkedException(cause: unknown): void {
    this.linkedException = cause;
  }

  /** JMS accessor for {@link JMSException.code}. */
  getErrorCode(): string {
    return this.code;
  }
}

/** A method was called at a time or in a state that does not allow it (e.g. on a closed session). */
export class IllegalStateException extends JMSException {
  static override defaultCode = 'ILLEGAL_STATE';
}
/** The destination is unknown or not valid for this operation. */
export class InvalidDestinationException extends JMSException {
  static override defaultCode = 'INVALID_DESTINATION';
}
/** The message selector is not valid JMS selector syntax. */
export class InvalidSelectorException extends JMSException {
  static override defaultCode = 'INVALID_SELECTOR';
}
/** The client ID is invalid or already in use by another connection. */
export class InvalidClientIDException extends JMSException {
  static override defaultCode = 'INVALID_CLIENT_ID';
}
/** Authentication failed or the user may not perform the operation. */
export class JMSSecurityException extends JMSException {
  static override defaultCode = 'ACCESS_DENIED';
}
/** A value cannot be converted to the requested type, or is of a type not allowed here. */
export class MessageFormatException extends JMSException {
  static override defaultCode = 'MESSAGE_FORMAT';
}
/** The message body is write-only (a BytesMessage or StreamMessage before `reset()`). */
export class MessageNotReadableException extends JMSException {
  static override defaultCode = 'MESSAGE_NOT_READABLE';
}
/** The message body or properties are read-only (a received message before `clearBody()`/`clearProperties()`). */
export class MessageNotWriteableException extends JMSException {
  static override defaultCode = 'MESSAGE_NOT_WRITEABLE';
}
/** A read went past the end of a BytesMessage or StreamMessage body. */
export class MessageEOFException extends JMSException {
  static override defaultCode = 'MESSAGE_EOF';
}
/** The broker (or the client) ran out of a resource: memory, store space, frame size. */
export class ResourceAllocationException extends JMSException {
  static override defaultCode = 'RESOURCE_LIMIT';
}
/** A commit could not complete and the transaction was rolled back instead. */
export class TransactionRolledBackException extends JMSException {
  static override defaultCode = 'TRANSACTION_ROLLED_BACK';
}
/** The operation is not allowed while a transaction is in progress. */
export class TransactionInProgressException extends JMSException {
  static override defaultCode = 'TRANSACTION_IN_PROGRESS';
}

/**
 * Java's `NumberFormatException`: a numeric getter met a string that is not a number, or a missing
 * value (JMS 2.0 §3.5.4 treats a missing numeric property as `valueOf(null)`). Not a JMSException in
 * Java either, so it does not extend {@link JMSException}.
 */
export class NumberFormatException extends Error {
  readonly code = 'NUMBER_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'NumberFormatException';
  }
}

type JMSExceptionClass = new (message: string, options?: JMSExceptionOptions) => JMSException;

/** Broker ERROR `code` header values and the JMS exception each becomes. */
const BROKER_CODE_CLASSES: Readonly<Record<string, JMSExceptionClass>> = {
  INVALID_SELECTOR: InvalidSelectorException,
  INVALID_CLIENT_ID: InvalidClientIDException,
  CLIENT_ID_IN_USE: InvalidClientIDException,
  ACCESS_DENIED: JMSSecurityException,
  AUTHENTICATION_FAILED: JMSSecurityException,
  NOT_AUTHORIZED: JMSSecurityException,
  RESOURCE_LIMIT: ResourceAllocationException,
  STORE_FULL: ResourceAllocationException,
  MEMORY_LIMIT: ResourceAllocationException,
  FRAME_TOO_LARGE: ResourceAllocationException,
  TOO_MANY_CONNECTIONS: ResourceAllocationException,
  MAX_CONNECTIONS: ResourceAllocationException,
  UNKNOWN_TRANSACTION: TransactionRolledBackException,
  TRANSACTION_ROLLED_BACK: TransactionRolledBackException,
  TRANSACTION_IN_PROGRESS: TransactionInProgressException,
  INVALID_DESTINATION: InvalidDestinationException,
  UNKNOWN_DESTINATION: InvalidDestinationException,
  DESTINATION_DELETED: InvalidDestinationException,
  ILLEGAL_STATE: IllegalStateException,
  DURABLE_SUBSCRIPTION_IN_USE: IllegalStateException,
};

/** True when a broker ERROR code means the credentials were refused, so reconnecting is pointless. */
export function isAuthenticationCode(code: string | undefined): boolean {
  return code === 'AUTHENTICATION_FAILED' || code === 'ACCESS_DENIED' || code === 'NOT_AUTHORIZED';
}

/**
 * Turns a broker ERROR frame's details into the matching JMS exception, keeping the broker's
 * `message` and `code`. Unknown codes become a plain {@link JMSException}.
 */
export function exceptionFromBrokerError(details: BrokerErrorDetails): JMSException {
  const Cls = (details.code !== undefined && BROKER_CODE_CLASSES[details.code]) || JMSException;
  return new Cls(details.message, { code: details.code ?? 'BROKER_ERROR', broker: details });
}
