import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeMaskedFrame } from '../src/websocket-frame.js';

/** Decodes one client frame the way RFC 6455 §5.2 defines it, byte by byte. */
function decode(frame: Buffer): { fin: boolean; opcode: number; key: Buffer; payload: Buffer } {
  const masked = (frame[1]! & 0x80) !== 0;
  expect(masked).toBe(true);
  let length = frame[1]! & 0x7f;
  let at = 2;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    length = Number(frame.readBigUInt64BE(2));
    at = 10;
  }
  const key = frame.subarray(at, at + 4);
  const payload = Buffer.from(frame.subarray(at + 4));
  expect(payload.length).toBe(length);
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i & 3]!;
  return { fin: (frame[0]! & 0x80) !== 0, opcode: frame[0]! & 0x0f, key, payload };
}

describe('the generator WebSocket frames', () => {
  it('RFC 6455 §5.2: one final binary frame per call, its payload the parts back to back, for every length encoding', () => {
    for (const size of [0, 1, 125, 126, 1200, 65535, 65536, 200_000]) {
      const head = randomBytes(Math.min(size, 37));
      const tail = randomBytes(size - head.length);
      const f = decode(encodeMaskedFrame([head, tail]));
      expect(f.fin).toBe(true);
      expect(f.opcode).toBe(2);
      expect(Buffer.compare(f.payload, Buffer.concat([head, tail])), `size ${size}`).toBe(0);
    }
  });

  it('RFC 6455 §5.3: every frame is masked with a fresh key, and the parts given are left as they were', () => {
    const body = Buffer.alloc(1024, 0x78);
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) keys.add(decode(encodeMaskedFrame([body])).key.toString('hex'));
    expect(keys.size).toBeGreaterThan(45);
    expect(body.every((b) => b === 0x78)).toBe(true);
  });

  it('RFC 6455 §5.3: masking 32 bits at a time equals the byte-by-byte definition, whatever the length and alignment of the frame', () => {
    // Consecutive frames share a block, so their payloads start at every alignment.
    for (let size = 0; size < 80; size++) {
      const head = randomBytes(size % 7);
      const tail = randomBytes(size - head.length);
      const f = decode(encodeMaskedFrame([head, tail]));
      expect(Buffer.compare(f.payload, Buffer.concat([head, tail])), `size ${size}`).toBe(0);
    }
  });

  it('a frame handed out is never overwritten by later frames', () => {
    const encoded = Array.from({ length: 200 }, (_, i) => {
      const body = randomBytes(900 + i);
      return { body, frame: encodeMaskedFrame([body]) };
    });
    const snapshots = encoded.map((x) => Buffer.from(x.frame));
    for (let i = 0; i < 500; i++) encodeMaskedFrame([randomBytes(1000)]);
    encoded.forEach((x, i) => {
      expect(Buffer.compare(x.frame, snapshots[i]!)).toBe(0);
      expect(Buffer.compare(decode(x.frame).payload, x.body)).toBe(0);
    });
  });
});
