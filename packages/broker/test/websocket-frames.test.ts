import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CLOSE_INVALID_DATA,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_TOO_BIG,
  FrameReader,
  serverFrameHeader,
  unmask,
  wordView,
} from '../src/transport/websocket-frames.js';

/** A client frame as RFC 6455 §5.2 lays it out, masked byte by byte (the reference the reader is checked against). */
function clientFrame(opcode: number, payload: Uint8Array, options: { fin?: boolean; masked?: boolean; rsv?: number } = {}): Buffer {
  const { fin = true, masked = true, rsv = 0 } = options;
  const length = payload.length;
  const lengthBytes = length <= 125 ? 0 : length <= 0xffff ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | rsv | opcode;
  header[1] = (masked ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  const body = Buffer.from(payload);
  if (masked) {
    const key = randomBytes(4);
    key.copy(header, 2 + lengthBytes);
    for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ key[i & 3]!;
  }
  return Buffer.concat([header, body]);
}

interface Seen {
  data: Buffer[];
  pings: Buffer[];
  close: Array<number | undefined>;
  errors: number[];
}

function reader(maxMessageSize = 1024 * 1024): { r: FrameReader; seen: Seen } {
  const seen: Seen = { data: [], pings: [], close: [], errors: [] };
  const r = new FrameReader(maxMessageSize, {
    onData: (b) => seen.data.push(Buffer.from(b)),
    onPing: (p) => seen.pings.push(Buffer.from(p)),
    onClose: (c) => seen.close.push(c),
    onError: (c) => seen.errors.push(c),
  });
  return { r, seen };
}

const text = (s: string) => Buffer.from(s, 'utf8');

describe('WebSocket framing', () => {
  it('RFC 6455 §5.3: unmasking 32 bits at a time equals the byte-by-byte definition at every alignment and key phase, with or without a shared word view', () => {
    const key = Uint8Array.from([0x12, 0x34, 0x56, 0x78]);
    const source = randomBytes(300);
    for (let offset = 0; offset < 4; offset++) {
      for (const length of [0, 1, 31, 32, 33, 100, 257]) {
        for (let phase = 0; phase < 8; phase++) {
          const backing = Buffer.from(source);
          const bytes = backing.subarray(offset, offset + length);
          // Phases 4 to 7 are 0 to 3 again, with a word view of the whole buffer shared by the caller.
          unmask(bytes, key, phase, phase >= 4 ? wordView(bytes) : undefined);
          const expected = Buffer.from(source.subarray(offset, offset + length));
          for (let i = 0; i < length; i++) expected[i] = expected[i]! ^ key[(phase + i) & 3]!;
          expect(Buffer.compare(bytes, expected), `offset ${offset} length ${length} phase ${phase}`).toBe(0);
          // The bytes around the range are untouched.
          expect(Buffer.compare(backing.subarray(0, offset), source.subarray(0, offset))).toBe(0);
          expect(Buffer.compare(backing.subarray(offset + length), source.subarray(offset + length))).toBe(0);
        }
      }
    }
  });

  it('RFC 6455 §5.2: frames of every length encoding are read back, whatever the chunking of the stream', () => {
    const payloads = [text(''), text('x'), randomBytes(125), randomBytes(126), randomBytes(1200), randomBytes(70_000)];
    const stream = Buffer.concat(payloads.map((p) => clientFrame(2, p)));
    for (const chunkSize of [1, 2, 3, 7, 13, 64, 4096, stream.length]) {
      const { r, seen } = reader();
      const copy = Buffer.from(stream);
      for (let at = 0; at < copy.length; at += chunkSize) r.push(copy.subarray(at, at + chunkSize));
      expect(Buffer.compare(Buffer.concat(seen.data), Buffer.concat(payloads)), `chunks of ${chunkSize}`).toBe(0);
      expect(seen.errors).toEqual([]);
    }
  });

  it('RFC 6455 §5.4: a fragmented message is read as one, with a ping answered between its fragments', () => {
    const { r, seen } = reader();
    r.push(
      Buffer.concat([
        clientFrame(1, text('SEND\n'), { fin: false }),
        clientFrame(9, text('are you there')),
        clientFrame(0, text('destination:/queue/a\n\nhé'), { fin: false }),
        clientFrame(0, text('llo\0')),
      ]),
    );
    expect(Buffer.concat(seen.data).toString()).toBe('SEND\ndestination:/queue/a\n\nhéllo\0');
    expect(seen.pings.map((p) => p.toString())).toEqual(['are you there']);
  });

  it('RFC 6455 §8.1: a text message split inside a UTF-8 sequence is valid; one that is not UTF-8 closes with 1007', () => {
    const { r, seen } = reader();
    const e = text('é'); // two bytes, one per fragment
    r.push(Buffer.concat([clientFrame(1, e.subarray(0, 1), { fin: false }), clientFrame(0, e.subarray(1))]));
    expect(Buffer.concat(seen.data).toString()).toBe('é');
    r.push(clientFrame(1, Buffer.from([0x53, 0xff, 0x00])));
    expect(seen.errors).toEqual([CLOSE_INVALID_DATA]);
  });

  it('RFC 6455 §5.1: an unmasked client frame closes with 1002 and nothing after it is read', () => {
    const { r, seen } = reader();
    r.push(Buffer.concat([clientFrame(2, text('a'), { masked: false }), clientFrame(2, text('b'))]));
    expect(seen.errors).toEqual([CLOSE_PROTOCOL_ERROR]);
    expect(seen.data).toEqual([]);
  });

  it('RFC 6455 §5.2 / §5.5 / §5.4: RSV bits, unknown opcodes, long or fragmented control frames and stray continuations close with 1002', () => {
    const bad = [
      clientFrame(2, text('a'), { rsv: 0x40 }),
      clientFrame(3, text('a')),
      clientFrame(11, text('a')),
      clientFrame(9, randomBytes(126)),
      clientFrame(9, text('a'), { fin: false }),
      clientFrame(0, text('a')),
      Buffer.concat([clientFrame(2, text('a'), { fin: false }), clientFrame(2, text('b'))]),
    ];
    for (const frame of bad) {
      const { r, seen } = reader();
      r.push(frame);
      expect(seen.errors).toEqual([CLOSE_PROTOCOL_ERROR]);
    }
  });

  it('RFC 6455 §7.4.1: a message above the size bound closes with 1009, counted across its fragments', () => {
    const { r, seen } = reader(100);
    r.push(clientFrame(2, randomBytes(60), { fin: false }));
    expect(seen.errors).toEqual([]);
    r.push(clientFrame(0, randomBytes(60)));
    expect(seen.errors).toEqual([CLOSE_TOO_BIG]);
  });

  it('RFC 6455 §5.5.1: a Close frame reports its code and ends reading; a bad code or reason is a protocol error', () => {
    const withCode = (code: number, reason = '') => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), text(reason)]);
    let { r, seen } = reader();
    r.push(Buffer.concat([clientFrame(8, withCode(1000, 'bye')), clientFrame(2, text('late'))]));
    expect(seen.close).toEqual([1000]);
    expect(seen.data).toEqual([]);
    ({ r, seen } = reader());
    r.push(clientFrame(8, Buffer.alloc(0)));
    expect(seen.close).toEqual([undefined]);
    ({ r, seen } = reader());
    r.push(clientFrame(8, withCode(1005)));
    expect(seen.errors).toEqual([CLOSE_PROTOCOL_ERROR]);
    ({ r, seen } = reader());
    r.push(clientFrame(8, Buffer.concat([withCode(1000), Buffer.from([0xff])])));
    expect(seen.errors).toEqual([CLOSE_INVALID_DATA]);
  });

  it('RFC 6455 §5.2: server frame headers use the shortest length encoding and no mask', () => {
    expect([...serverFrameHeader(2, 125)]).toEqual([0x82, 125]);
    expect([...serverFrameHeader(2, 126)]).toEqual([0x82, 126, 0, 126]);
    expect([...serverFrameHeader(8, 0x10000)]).toEqual([0x88, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
});
