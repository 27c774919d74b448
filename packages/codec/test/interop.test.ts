import { describe, expect, it } from 'vitest';
import { FrameImpl, Parser, type IRawFrameType } from '@stomp/stompjs';
import { encodeFrame } from '@tsmq/codec';
import { bytes, parse, text } from './helpers.js';

// @stomp/stompjs is the client most browser users pair with an ActiveMQ-style broker: frames
// must cross between the two implementations unchanged.
const trickyValue = 'a:b\nc\\d\re ☃';

describe('interoperability with @stomp/stompjs', () => {
  it('STOMP 1.2 §Value Encoding: a binary SEND marshalled by stompjs parses to the same headers and bytes', () => {
    const body = new Uint8Array([0, 1, 2, 0, 255]);
    const wire = FrameImpl.marshall({
      command: 'SEND',
      headers: { destination: '/queue/a', note: trickyValue },
      binaryBody: body,
      escapeHeaderValues: true,
    });
    const { frames } = parse(new Uint8Array(wire as ArrayBuffer), { version: '1.2' });
    expect(frames).toHaveLength(1);
    expect(frames[0]!.headers['note']).toBe(trickyValue);
    expect(frames[0]!.headers['content-length']).toBe('5');
    expect([...frames[0]!.body]).toEqual([...body]);
  });

  it('STOMP 1.2 §STOMP Frames: a text SEND marshalled by stompjs parses', () => {
    const wire = FrameImpl.marshall({ command: 'SEND', headers: { destination: '/topic/t' }, body: 'héllo', escapeHeaderValues: true });
    const { frames } = parse(typeof wire === 'string' ? bytes(wire) : new Uint8Array(wire), { version: '1.2' });
    expect(frames[0]!.headers['destination']).toBe('/topic/t');
    expect(text(frames[0]!.body)).toBe('héllo');
  });

  it('STOMP 1.2 §Value Encoding: a MESSAGE we encode is read back by the stompjs parser', () => {
    const body = new Uint8Array([104, 0, 105]);
    const frame = encodeFrame(
      'MESSAGE',
      { destination: '/queue/a', 'message-id': 'ID:1', subscription: 'sub-0', note: trickyValue },
      body,
      { version: '1.2' },
    );
    const raw: IRawFrameType[] = [];
    let pings = 0;
    const parser = new Parser(
      (f) => raw.push(f),
      () => pings++,
    );
    parser.parseChunk(frame.buffer as ArrayBuffer);
    parser.parseChunk(new Uint8Array([0x0a]).buffer);
    expect(raw).toHaveLength(1);
    expect(pings).toBe(1);
    const decoded = FrameImpl.fromRawFrame(raw[0]!, true);
    expect(decoded.command).toBe('MESSAGE');
    expect(decoded.headers['note']).toBe(trickyValue);
    expect(decoded.headers['message-id']).toBe('ID:1');
    expect([...decoded.binaryBody]).toEqual([...body]);
  });
});
