import { FrameParser, type FrameParserOptions, type StompFrame } from '@tsmq/codec';

const encoder = new TextEncoder();

/** Bytes of a string written the way a test reads it: "\n" is LF, "\0" is NUL. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}

export interface Parsed {
  frames: StompFrame[];
  heartbeats: number;
  parser: FrameParser;
}

/** Pushes the chunks into a fresh parser and collects what it reports. */
export function parseChunks(chunks: Uint8Array[], options?: FrameParserOptions): Parsed {
  const frames: StompFrame[] = [];
  let heartbeats = 0;
  const parser = new FrameParser((frame) => frames.push(frame), options, () => heartbeats++);
  for (const chunk of chunks) parser.push(chunk);
  return { frames, heartbeats, parser };
}

export function parse(input: Uint8Array | string, options?: FrameParserOptions): Parsed {
  return parseChunks([typeof input === 'string' ? bytes(input) : input], options);
}

/** Splits into 1-byte chunks, each copied into its own buffer as a socket would deliver them. */
export function oneByteChunks(input: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.length; i++) chunks.push(input.slice(i, i + 1));
  return chunks;
}

/** Headers as a plain object, for toEqual against literals. */
export function plain(frame: StompFrame): { command: string; headers: Record<string, string>; body: string } {
  return { command: frame.command, headers: { ...frame.headers }, body: text(frame.body) };
}

/** Runs `fn` and returns the StompCodecError-like error it throws. */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error, none was thrown');
}

/** Small seeded PRNG (mulberry32): reproducible fuzzing from a printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
