/** Bounds the parser enforces so that a hostile or broken peer cannot make memory grow without bound. */
export interface ParserLimits {
  /** Largest accepted frame body in bytes. Default 100 MiB (ActiveMQ's `maxFrameSize`). */
  maxFrameSize: number;
  /** Most header lines per frame, repeated names included. Default 1000. */
  maxHeaders: number;
  /** Longest header line in bytes, excluding the EOL. Default 10240. */
  maxHeaderLineLength: number;
  /** Longest command line in bytes, excluding the EOL. Default 256. */
  maxCommandLength: number;
}

/** The limits used for any field not given in {@link FrameParserOptions}. */
export const DEFAULT_LIMITS: ParserLimits = Object.freeze({
  maxFrameSize: 100 * 1024 * 1024,
  maxHeaders: 1000,
  maxHeaderLineLength: 10240,
  maxCommandLength: 256,
});

/** Merges partial limits over the defaults, rejecting values that would disable a bound. */
export function resolveLimits(partial: Partial<ParserLimits> | undefined): ParserLimits {
  const limits: ParserLimits = {
    maxFrameSize: partial?.maxFrameSize ?? DEFAULT_LIMITS.maxFrameSize,
    maxHeaders: partial?.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxHeaderLineLength: partial?.maxHeaderLineLength ?? DEFAULT_LIMITS.maxHeaderLineLength,
    maxCommandLength: partial?.maxCommandLength ?? DEFAULT_LIMITS.maxCommandLength,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`parser limit ${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  return limits;
}
