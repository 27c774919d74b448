/** Where the broker reports what happens; the CLI logs to the console, tests pass {@link silentLogger}. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Info to stdout, warnings and errors to stderr. */
export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message, error) => (error === undefined ? console.error(message) : console.error(message, error)),
};

/** Discards everything. */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
