import { describe, expect, it } from 'vitest';
import {
  BodyPieces,
  FrameParser,
  PIECEWISE_BODY_MIN,
  PiecewiseFrameParser,
  bodyBytes,
  type PiecewiseFrame,
  type StompFrame,
} from '@tsmq/codec';
import { bytes } from './helpers.js';

/** A SEND frame whose body is `size` bytes of a repeating pattern, with or without content-length. */
function sendFrame(size: number, sized = true): { wire: Uint8Array; body: Uint8Array } {
  const body = new Uint8Array(size);
  // No NUL in the body, so the frame is valid without content-length too.
  for (let i = 0; i < size; i++) body[i] = 1 + (i % 251);
  const head = bytes(`SEND\ndestination:/queue/big\n${sized ? `content-length:${size}\n` : ''}\n`);
  const wire = new Uint8Array(head.length + size + 1);
  wire.set(head, 0);
  wire.set(body, head.length);
  return { wire, body };
}

/** Cuts `wire` at the given offsets into chunks that each own their buffer, as socket reads do. */
function cut(wire: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const end of [...offsets, wire.length]) {
    chunks.push(wire.slice(start, end));
    start = end;
  }
  return chunks;
}

/** Byte equality; far quicker than a deep comparison for large bodies. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function parsePiecewise(chunks: Uint8Array[]): PiecewiseFrame[] {
  const frames: PiecewiseFrame[] = [];
  const parser = new PiecewiseFrameParser((frame) => frames.push(frame));
  for (const chunk of chunks) parser.push(chunk);
  return frames;
}

describe('PiecewiseFrameParser: large bodies kept as the chunks they arrived in', () => {
  it('a 64 KiB body read in four chunks comes as pieces that are views on those chunks, not copies', () => {
    const { wire, body } = sendFrame(64 * 1024);
    const chunks = cut(wire, [20_000, 40_000, 60_000]);
    const [frame] = parsePiecewise(chunks);
    expect(frame!.body).toBeInstanceOf(BodyPieces);
    const pieces = (frame!.body as BodyPieces).pieces;
    // The middle chunks are all body: their pieces are the very buffers that were pushed.
    expect(pieces[1]!.buffer).toBe(chunks[1]!.buffer);
    expect(pieces[2]!.buffer).toBe(chunks[2]!.buffer);
    expect(frame!.body.byteLength).toBe(body.byteLength);
    expect(same(bodyBytes(frame!.body), body)).toBe(true);
  });

  it('a piece using less than half of its chunk is copied, so that it does not pin the chunk', () => {
    const before = sendFrame(4000).wire;
    const { wire, body } = sendFrame(200 * 1024);
    const stream = new Uint8Array(before.length + wire.length);
    stream.set(before, 0);
    stream.set(wire, before.length);
    // The first chunk holds a whole small frame, the big frame's head and only 100 bytes of its body.
    const bodyStart = stream.length - body.length - 1;
    const chunks = cut(stream, [bodyStart + 100, bodyStart + 100 + 64 * 1024, bodyStart + 100 + 128 * 1024]);
    const frames = parsePiecewise(chunks);
    const pieces = (frames[1]!.body as BodyPieces).pieces;
    expect(pieces[0]!.byteLength).toBe(100);
    expect(pieces[0]!.buffer).not.toBe(chunks[0]!.buffer);
    expect(pieces[1]!.buffer).toBe(chunks[1]!.buffer);
    expect(pieces[2]!.buffer).toBe(chunks[2]!.buffer);
    expect(same(bodyBytes(frames[1]!.body), body)).toBe(true);
  });

  it('a chunk ending exactly where the body begins leaves no empty piece', () => {
    const { wire, body } = sendFrame(64 * 1024);
    const bodyStart = wire.length - body.length - 1;
    const chunks = cut(wire, [bodyStart, bodyStart + 40_000]);
    const [frame] = parsePiecewise(chunks);
    const pieces = (frame!.body as BodyPieces).pieces;
    expect(pieces.map((p) => p.byteLength)).toEqual([40_000, body.length - 40_000]);
    expect(same(bodyBytes(frame!.body), body)).toBe(true);
  });

  it('a body smaller than PIECEWISE_BODY_MIN is joined into one buffer, as FrameParser does', () => {
    const { wire, body } = sendFrame(PIECEWISE_BODY_MIN - 1);
    const [frame] = parsePiecewise(cut(wire, [100, 5000]));
    expect(frame!.body).toBeInstanceOf(Uint8Array);
    expect(frame!.body).toEqual(body);
  });

  it('a body without content-length (STOMP 1.2 §Body: ends at the first NUL) is kept in pieces too', () => {
    const { wire, body } = sendFrame(100 * 1024, false);
    const chunks = cut(wire, [40 * 1024, 80 * 1024]);
    const [frame] = parsePiecewise(chunks);
    expect(frame!.body).toBeInstanceOf(BodyPieces);
    expect((frame!.body as BodyPieces).pieces[1]!.buffer).toBe(chunks[1]!.buffer);
    expect(same(bodyBytes(frame!.body), body)).toBe(true);
  });

  it('frames after a piecewise body parse as usual, and FrameParser still joins every body', () => {
    const { wire, body } = sendFrame(64 * 1024);
    const next = bytes('SEND\ndestination:/queue/small\n\nx\0');
    const stream = new Uint8Array(wire.length + next.length);
    stream.set(wire, 0);
    stream.set(next, wire.length);
    const offsets = [30_000, 60_000];
    const piecewise = parsePiecewise(cut(stream, offsets));
    const joined: StompFrame[] = [];
    const parser = new FrameParser((frame) => joined.push(frame));
    for (const chunk of cut(stream, offsets)) parser.push(chunk);
    for (const frames of [piecewise, joined]) {
      expect(frames.map((f) => f.headers.destination)).toEqual(['/queue/big', '/queue/small']);
      expect(same(bodyBytes(frames[0]!.body), body)).toBe(true);
      expect(bodyBytes(frames[1]!.body)).toEqual(bytes('x'));
    }
    expect(joined[0]!.body).toBeInstanceOf(Uint8Array);
  });
});
