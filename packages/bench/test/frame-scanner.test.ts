import { describe, expect, it } from 'vitest';
import { BrokerProtocolError } from '../src/errors.js';
import { FrameScanner, type ScannedFrame } from '../src/frame-scanner.js';

const STREAM = Buffer.concat([
  Buffer.from('\n\r\n'),
  Buffer.from('CONNECTED\nversion:1.2\nserver:x\\cy\n\n\0'),
  Buffer.from('MESSAGE\nsubscription:0\nbench-seq:7\nack:a\\c1\ncontent-length:5\nbench-seq:8\n\nhe\0lo\0'),
  Buffer.from('\n'),
  Buffer.from('MESSAGE\r\nbench-seq:9\r\nack:b\r\n\r\nworld\0'),
  Buffer.from('RECEIPT\nreceipt-id:r\\n1\n\n\0'),
  Buffer.from('ERROR\nmessage:bad\ncontent-length:3\n\nwhy\0'),
]);

function scanAll(chunks: Buffer[], lean: readonly string[] | undefined): ScannedFrame[] {
  const frames: ScannedFrame[] = [];
  const scanner = new FrameScanner((f) => frames.push(f), 1024);
  scanner.leanMessages(lean);
  for (const c of chunks) scanner.push(c);
  return frames;
}

function summary(frames: ScannedFrame[]): unknown[] {
  return frames.map((f) => ({ command: f.command, headers: { ...f.headers }, body: Buffer.from(f.body).toString('latin1'), bodyLength: f.bodyLength }));
}

describe('FrameScanner (the generator consumers\' parser)', () => {
  it('STOMP 1.2 §Value Encoding and §Repeated Header Entries: decodes only the wanted MESSAGE headers, first occurrence, unescaped; other frames whole', () => {
    const frames = scanAll([STREAM], ['bench-seq', 'ack']);
    expect(summary(frames)).toEqual([
      // CONNECTED is never escaped.
      { command: 'CONNECTED', headers: { version: '1.2', server: 'x\\cy' }, body: '', bodyLength: 0 },
      { command: 'MESSAGE', headers: { 'bench-seq': '7', ack: 'a:1' }, body: '', bodyLength: 5 },
      { command: 'MESSAGE', headers: { 'bench-seq': '9', ack: 'b' }, body: '', bodyLength: 5 },
      { command: 'RECEIPT', headers: { 'receipt-id': 'r\n1' }, body: '', bodyLength: 0 },
      { command: 'ERROR', headers: { message: 'bad', 'content-length': '3' }, body: 'why', bodyLength: 3 },
    ]);
  });

  it('gives the same frames whatever the chunk boundaries (every split point, and byte by byte)', () => {
    const whole = summary(scanAll([STREAM], ['bench-seq', 'ack']));
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(summary(scanAll([STREAM.subarray(0, cut), STREAM.subarray(cut)], ['bench-seq', 'ack'])), `split at ${cut}`).toEqual(whole);
    }
    const bytes = Array.from({ length: STREAM.length }, (_, i) => STREAM.subarray(i, i + 1));
    expect(summary(scanAll(bytes, ['bench-seq', 'ack']))).toEqual(whole);
  });

  it('without lean mode, MESSAGE frames keep every header and their body (content-length bodies may hold NUL)', () => {
    const frames = scanAll([STREAM], undefined);
    expect(frames[1]!.headers).toEqual({ subscription: '0', 'bench-seq': '7', ack: 'a:1', 'content-length': '5' });
    expect(Buffer.from(frames[1]!.body).toString('latin1')).toBe('he\0lo');
    expect(Buffer.from(frames[2]!.body).toString('latin1')).toBe('world');
  });

  it('STOMP 1.2 §Header content-length: a body not followed by NUL fails with a typed error', () => {
    const scanner = new FrameScanner(() => {}, 1024);
    expect(() => scanner.push(Buffer.from('MESSAGE\ncontent-length:2\n\nabc\0'))).toThrow(BrokerProtocolError);
  });

  it('a header named like an Object.prototype member is still decoded', () => {
    const frames = scanAll([Buffer.from('RECEIPT\nconstructor:x\nreceipt-id:1\n\n\0')], undefined);
    expect(frames[0]!.headers['constructor']).toBe('x');
  });

  it('refuses a content-length above the largest frame it was told to accept', () => {
    const scanner = new FrameScanner(() => {}, 1024);
    expect(() => scanner.push(Buffer.from('MESSAGE\ncontent-length:2048\n\n'))).toThrow(/exceeds 1024/);
  });
});
