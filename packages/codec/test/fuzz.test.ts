import { describe, expect, it } from 'vitest';
import {
  ALL_COMMANDS,
  FrameParser,
  StompCodecError,
  encodeFrame,
  type StompFrame,
  type StompHeaders,
  type StompVersion,
} from '@tsmq/codec';
import { prng } from './helpers.js';

// A fresh seed each run widens coverage over time; FUZZ_SEED replays a reported failure.
const BASE_SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000_000);
const VERSIONS: StompVersion[] = ['1.0', '1.1', '1.2'];
const COMMANDS = [...ALL_COMMANDS];
const UNESCAPED = new Set(['CONNECT', 'STOMP', 'CONNECTED']);
const HEADER_CHARS = ['a', 'b', 'Z', '0', '-', '_', ' ', ':', '\\', '\n', '\r', 'é', '☃', '😀', 'c', 'n', 'r'];

type Random = () => number;
const int = (random: Random, max: number) => Math.floor(random() * (max + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length - 1)]!;

function randomText(random: Random, maxLength: number): string {
  let s = '';
  for (let i = int(random, maxLength); i > 0; i--) s += pick(random, HEADER_CHARS);
  return s;
}

/** Header text the version can carry: unescaped frames cannot hold LF, a colon in a name, or a trailing CR. */
function representable(s: string, escaped: boolean, allowCR: boolean, isName: boolean): string {
  if (!escaped) {
    s = s.replace(/\n/g, '');
    if (isName) s = s.replace(/:/g, '');
  }
  if (!isName && !allowCR) s = s.replace(/\r+$/, '');
  return s;
}

interface Expected {
  command: string;
  headers: Record<string, string>;
  body: number[];
}

function randomFrame(random: Random, version: StompVersion): { wire: Uint8Array; expected: Expected } {
  const command = pick(random, COMMANDS);
  const escaped = version !== '1.0' && !UNESCAPED.has(command);
  const allowCR = escaped && version === '1.2';
  const headers: StompHeaders = Object.create(null) as StompHeaders;
  for (let i = int(random, 6); i > 0; i--) {
    const name = representable(randomText(random, 8), escaped, allowCR, true) || 'h';
    if (name === 'content-length' || headers[name] !== undefined) continue;
    headers[name] = representable(randomText(random, 12), escaped, allowCR, false);
  }
  const binary = random() < 0.5;
  const body = new Uint8Array(int(random, 40));
  for (let i = 0; i < body.length; i++) body[i] = binary ? int(random, 255) : 1 + int(random, 254);
  const wire = encodeFrame(command, headers, body, { version, contentLength: binary });
  const expectedHeaders: Record<string, string> = { ...headers };
  if (binary && body.length > 0) expectedHeaders['content-length'] = String(body.length);
  return { wire, expected: { command, headers: expectedHeaders, body: [...body] } };
}

function randomChunks(random: Random, input: Uint8Array): Uint8Array[] {
  const strategy = int(random, 3);
  if (strategy === 0) return [input];
  const chunks: Uint8Array[] = [];
  for (let pos = 0; pos < input.length; ) {
    const size = strategy === 1 ? 1 : strategy === 2 ? 1 + int(random, 20) : 1 + int(random, input.length);
    chunks.push(input.slice(pos, pos + size));
    pos += size;
  }
  return chunks;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const toExpected = (f: StompFrame): Expected => ({ command: f.command, headers: { ...f.headers }, body: [...f.body] });

describe('property tests', () => {
  it('STOMP 1.2 §STOMP Frames: random frames of every version survive encode, concatenation, random splits and parse', () => {
    for (let run = 0; run < 300; run++) {
      const seed = BASE_SEED + run;
      const random = prng(seed);
      const version = pick(random, VERSIONS);
      const parts: Uint8Array[] = [];
      const expected: Expected[] = [];
      let heartbeats = 0;
      for (let i = 1 + int(random, 8); i > 0; i--) {
        for (let h = int(random, 2); h > 0; h--) {
          parts.push(random() < 0.5 ? Uint8Array.of(0x0a) : Uint8Array.of(0x0d, 0x0a));
          heartbeats++;
        }
        const frame = randomFrame(random, version);
        parts.push(frame.wire);
        expected.push(frame.expected);
      }
      const frames: StompFrame[] = [];
      let beats = 0;
      const parser = new FrameParser((f) => frames.push(f), { version }, () => beats++);
      try {
        for (const chunk of randomChunks(random, concat(parts))) parser.push(chunk);
      } catch (error) {
        throw new Error(`seed ${seed} (replay with FUZZ_SEED=${seed}): ${String(error)}`);
      }
      expect(frames.map(toExpected), `seed ${seed} (replay with FUZZ_SEED=${seed})`).toEqual(expected);
      expect(beats, `seed ${seed}`).toBe(heartbeats);
      expect(parser.bufferedBytes, `seed ${seed}`).toBe(0);
    }
  });

  it('random bytes and mutated frames only ever raise StompCodecError, and memory stays bounded by the limits', () => {
    const limits = { maxFrameSize: 64, maxHeaders: 8, maxHeaderLineLength: 32, maxCommandLength: 16 };
    const bound =
      limits.maxCommandLength + 2 + limits.maxHeaders * (limits.maxHeaderLineLength + 2) + 2 + limits.maxFrameSize + 1;
    const tokens = ['SEND', 'MESSAGE', '\n', '\r\n', '\0', ':', '\\', '\\c', 'content-length:', '5', '99', 'x', '\u00ff', '\ud83d'];
    const encoder = new TextEncoder();
    for (let run = 0; run < 1500; run++) {
      const seed = BASE_SEED + 100_000 + run;
      const random = prng(seed);
      let input: Uint8Array;
      if (random() < 0.5) {
        const bytes = new Uint8Array(int(random, 200));
        for (let i = 0; i < bytes.length; i++) bytes[i] = random() < 0.5 ? int(random, 255) : encoder.encode(pick(random, tokens))[0]!;
        input = random() < 0.5 ? bytes : encoder.encode(Array.from({ length: int(random, 30) }, () => pick(random, tokens)).join(''));
      } else {
        const frames = [randomFrame(random, pick(random, VERSIONS)).wire, randomFrame(random, '1.2').wire];
        input = concat(frames);
        for (let m = 1 + int(random, 3); m > 0; m--) {
          const at = int(random, input.length - 1);
          const kind = int(random, 2);
          if (kind === 0) input[at] = int(random, 255);
          else if (kind === 1) input = concat([input.subarray(0, at), input.subarray(at + 1)]);
          else input = concat([input.subarray(0, at), Uint8Array.of(pick(random, [0, 0x0a, 0x3a, 0x5c, 0x0d])), input.subarray(at)]);
        }
      }
      const parser = new FrameParser(() => {}, { ...limits, version: pick(random, VERSIONS) });
      let failure: unknown;
      for (const chunk of randomChunks(random, input)) {
        try {
          parser.push(chunk);
        } catch (error) {
          failure = error;
          break;
        }
        expect(parser.bufferedBytes, `seed ${seed}`).toBeLessThanOrEqual(bound);
      }
      if (failure !== undefined) {
        expect(failure, `seed ${seed}: ${String(failure)}`).toBeInstanceOf(StompCodecError);
        let again: unknown;
        try {
          parser.push(Uint8Array.of(0x0a));
        } catch (error) {
          again = error;
        }
        expect(again, `seed ${seed}`).toBe(failure);
      }
    }
  });
});
