/**
 * Typed errors of the benchmark. Each carries a stable `code` so scripts can tell failures apart.
 */

/** Base class of every error the benchmark raises on purpose. */
export class BenchError extends Error {
  /** Stable machine-readable identifier, e.g. `BENCH_USAGE`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The command line could not be understood. */
export class BenchUsageError extends BenchError {
  constructor(message: string) {
    super('BENCH_USAGE', message);
  }
}

/** The broker under test answered with a STOMP ERROR frame or broke the protocol. */
export class BrokerProtocolError extends BenchError {
  /** The `code` header of the ERROR frame, when the broker sent one. */
  readonly brokerCode: string | undefined;

  constructor(message: string, brokerCode?: string) {
    super('BENCH_BROKER_PROTOCOL', message);
    this.brokerCode = brokerCode;
  }
}

/** A connection to the broker under test failed or closed while still needed. */
export class BrokerConnectionError extends BenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BENCH_BROKER_CONNECTION', message, options);
  }
}

/** Something awaited did not happen within its bound. */
export class BenchTimeoutError extends BenchError {
  constructor(message: string) {
    super('BENCH_TIMEOUT', message);
  }
}

/** A broker process (ours or a peer) could not be started. */
export class BrokerStartError extends BenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BENCH_BROKER_START', message, options);
  }
}
