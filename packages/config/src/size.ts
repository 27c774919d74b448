import { ConfigError } from './errors.js';

/** What {@link parseSize} accepts, for error messages. */
export const SIZE_EXPECTATION = 'expected a number with an optional unit b, kb, mb, gb, tb';

// ActiveMQ's property editor uses powers of 1024 and accepts the one-letter forms too.
const UNIT_FACTORS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** The size in bytes, or undefined when `text` is not a size. */
export function trySize(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text);
  if (!match) return undefined;
  const factor = UNIT_FACTORS[match[2]!.toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * factor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * Parses an ActiveMQ size such as `1024`, `64 kb`, `100 mb`, `1 gb` or `2GB` into bytes.
 * Units are powers of 1024, as in ActiveMQ; case and spaces do not matter.
 *
 * @throws {@link ConfigError} `CONFIG_BAD_VALUE` naming the valid units.
 */
export function parseSize(text: string): number {
  const bytes = trySize(text);
  if (bytes === undefined) {
    throw new ConfigError('CONFIG_BAD_VALUE', `bad size "${text}"; ${SIZE_EXPECTATION}`);
  }
  return bytes;
}
