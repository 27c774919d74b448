/**
 * Typed errors raised by the selector package. Each carries a stable `code` so callers (the broker
 * puts it in the STOMP ERROR frame) can react without parsing messages.
 */

/** A selector text that is not a valid JMS message selector. */
export class InvalidSelectorError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'INVALID_SELECTOR';
  /** 0-based character offset in the selector text where the problem was detected. */
  readonly position: number;
  /** What the parser expected at {@link InvalidSelectorError.position}, e.g. `a value after '='`. */
  readonly expected: string;
  /** What the parser found instead, e.g. `end of input` or `'AND'`. */
  readonly found: string;

  constructor(position: number, expected: string, found: string) {
    super(`selector error at position ${position}: expected ${expected} but found ${found}`);
    this.name = 'InvalidSelectorError';
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}

/** The `jms-prop-types` header is malformed (see {@link parsePropertyTypes}). */
export class InvalidPropertyTypesError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'INVALID_PROPERTY_TYPES';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertyTypesError';
  }
}

/** A header value that does not read as the JMS type `jms-prop-types` declares for it. */
export class InvalidPropertyValueError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'INVALID_PROPERTY_VALUE';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertyValueError';
  }
}
