/** Stable codes carried by {@link ConfigError}; the broker's CLI prints them and scripts may match on them. */
export type ConfigErrorCode =
  | 'CONFIG_MALFORMED'
  | 'CONFIG_UNKNOWN_ELEMENT'
  | 'CONFIG_UNKNOWN_ATTRIBUTE'
  | 'CONFIG_BAD_VALUE'
  | 'CONFIG_UNRESOLVED_PLACEHOLDER'
  | 'CONFIG_IO';

/** Where in a configuration file something was found. Lines and columns are 1-based; 0 means "not from a file". */
export interface ConfigLocation {
  /** Element names from the root, e.g. `beans > broker > systemUsage > systemUsage > memoryUsage`. */
  elementPath: string;
  line: number;
  column: number;
}

/** Something in the file that was accepted but has no effect, or a setting ActiveMQ has and this broker does not. */
export interface ConfigWarning extends ConfigLocation {
  /**
   * What and why, starting with the element as written: `<managementContext>: not implemented, ignored`.
   * Without the location, so a caller prints `file:line:column: message` in its own format.
   */
  message: string;
}

/** Details for constructing a {@link ConfigError}. */
export interface ConfigErrorDetails extends Partial<ConfigLocation> {
  attribute?: string;
  file?: string;
  cause?: unknown;
}

/**
 * A configuration that cannot be used. `message` is complete and printable
 * (`activemq.xml:42:13: <memoryUsage limit="10 parsecs">: bad size; expected ...`);
 * the other fields let tools point at the spot.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  /** Element names from the root; empty when the error is not about an element (e.g. {@link parseSize} called directly). */
  readonly elementPath: string;
  /** The offending attribute, when there is one. */
  readonly attribute?: string;
  /** 1-based line; 0 when unknown. */
  readonly line: number;
  /** 1-based column; 0 when unknown. */
  readonly column: number;
  /** The file name given to the loader, when there is one. */
  readonly file?: string;

  constructor(code: ConfigErrorCode, message: string, details: ConfigErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.elementPath = details.elementPath ?? '';
    this.line = details.line ?? 0;
    this.column = details.column ?? 0;
    if (details.attribute !== undefined) this.attribute = details.attribute;
    if (details.file !== undefined) this.file = details.file;
  }
}
