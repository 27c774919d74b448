import { FrameParser, type StompFrame } from '@tsmq/codec';
import { describe, expect, it } from 'vitest';
import { PRODUCER_HEADER, SendTemplate, SENT_AT_HEADER, SEQUENCE_HEADER } from '../src/index.js';

function parse(parts: Uint8Array[][]): StompFrame[] {
  const frames: StompFrame[] = [];
  const parser = new FrameParser((f) => frames.push(f), { version: '1.2' });
  for (const frame of parts) for (const part of frame) parser.push(part);
  return frames;
}

describe('SendTemplate', () => {
  it('STOMP 1.2 §SEND: each message is a SEND to the destination with a content-length matching its body', () => {
    const t = new SendTemplate({ destination: '/queue/a', producer: 3, bodySize: 1024, persistent: false, receipt: false });
    const [frame] = parse([t.frame(41, 123_456)]);
    expect(frame!.command).toBe('SEND');
    expect(frame!.headers['destination']).toBe('/queue/a');
    expect(frame!.headers['content-length']).toBe('1024');
    expect(frame!.body.length).toBe(1024);
    expect(frame!.headers['persistent']).toBeUndefined();
    expect(frame!.headers['receipt']).toBeUndefined();
    expect(t.frameSize).toBeGreaterThan(1024);
  });

  it('patches producer, sequence and send time per message without disturbing earlier frames', () => {
    const t = new SendTemplate({ destination: '/queue/a', producer: 3, bodySize: 16, persistent: true, receipt: true });
    const first = t.frame(0, 1_000_000);
    const second = t.frame(9_999_999_999, 123_456_789_012_345);
    const frames = parse([first, second]);
    expect(frames.map((f) => Number(f.headers[SEQUENCE_HEADER]))).toEqual([0, 9_999_999_999]);
    expect(frames.map((f) => Number(f.headers[SENT_AT_HEADER]))).toEqual([1_000_000, 123_456_789_012_345]);
    expect(frames.map((f) => f.headers[PRODUCER_HEADER])).toEqual(['3', '3']);
    expect(frames.map((f) => f.headers['persistent'])).toEqual(['true', 'true']);
  });

  it('STOMP 1.2 §Header receipt: the receipt id is the sequence number, so a RECEIPT names the message it confirms', () => {
    const t = new SendTemplate({ destination: '/topic/b', producer: 0, bodySize: 1, persistent: false, receipt: true });
    const [frame] = parse([t.frame(77, 1)]);
    expect(Number(frame!.headers['receipt'])).toBe(77);
  });

  it('shares one body buffer between messages instead of copying it', () => {
    const t = new SendTemplate({ destination: '/queue/a', producer: 0, bodySize: 65536, persistent: false, receipt: false });
    expect(t.frame(1, 1)[1]).toBe(t.frame(2, 2)[1]);
  });
});
