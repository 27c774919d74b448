import { describe, expect, it } from 'vitest';
import {
  ALL_COMMANDS,
  HEARTBEAT_EOL,
  NUL_BYTE,
  StompCodecError,
  encodeFrame,
  encodeFrameHead,
  type StompVersion,
} from '@tsmq/codec';
import { bytes, parse, plain, text, thrown } from './helpers.js';

const asText = (b: Uint8Array) => text(b).replace(/\0/g, '^@');

describe('encodeFrame', () => {
  it('STOMP 1.2 §STOMP Frames: writes command, headers, blank line, body, NUL', () => {
    const frame = encodeFrame('SEND', { destination: '/queue/a' }, bytes('hi'), { version: '1.2' });
    expect(asText(frame)).toBe('SEND\ndestination:/queue/a\ncontent-length:2\n\nhi^@');
  });

  it('STOMP 1.2 §Header content-length: added for a non-empty body unless disabled or already present', () => {
    expect(asText(encodeFrame('SEND', {}, undefined, { version: '1.2' }))).toBe('SEND\n\n^@');
    expect(asText(encodeFrame('SEND', {}, bytes('x'), { version: '1.2', contentLength: false }))).toBe('SEND\n\nx^@');
    expect(asText(encodeFrame('SEND', { 'content-length': '1' }, bytes('x'), { version: '1.2' }))).toBe(
      'SEND\ncontent-length:1\n\nx^@',
    );
  });

  it('STOMP 1.2 §Header content-length: a given content-length that differs from the body is rejected', () => {
    const error = thrown(() => encodeFrame('SEND', { 'content-length': '5' }, bytes('x'), { version: '1.2' }));
    expect(error).toBeInstanceOf(StompCodecError);
    expect(error.code).toBe('INVALID_CONTENT_LENGTH');
  });

  it('STOMP 1.2 §STOMP Frames: a body with NUL bytes cannot be sent without content-length', () => {
    const error = thrown(() => encodeFrame('SEND', {}, new Uint8Array([1, 0, 2]), { version: '1.2', contentLength: false }));
    expect(error.code).toBe('INVALID_CONTENT_LENGTH');
  });

  it('returns one fresh buffer of exactly the frame size', () => {
    const body = bytes('payload');
    const frame = encodeFrame('MESSAGE', { 'message-id': 'm1' }, body, { version: '1.2' });
    expect(frame.byteOffset).toBe(0);
    expect(frame.buffer.byteLength).toBe(frame.length);
    expect(frame.buffer).not.toBe(body.buffer);
  });

  it('STOMP 1.2 §Value Encoding: UTF-8 header text is sized and written correctly', () => {
    const headers = { 'näme': 'välue ☃ 😀', lone: '\ud800x' };
    const frame = encodeFrame('SEND', headers, undefined, { version: '1.2' });
    expect(parse(frame, { version: '1.2' }).frames[0]!.headers).toEqual(
      Object.assign(Object.create(null), { 'näme': 'välue ☃ 😀', lone: '\ufffdx' }),
    );
  });

  it('skips header properties whose value is undefined', () => {
    const headers = { a: '1', b: undefined } as unknown as Record<string, string>;
    expect(asText(encodeFrame('SEND', headers, undefined, { version: '1.2' }))).toBe('SEND\na:1\n\n^@');
  });

  it.each(['', 'SE\nND'])('refuses to encode the command %j', (command) => {
    expect(thrown(() => encodeFrame(command, {}, undefined, { version: '1.2' })).code).toBe('UNKNOWN_COMMAND');
  });

  it('STOMP 1.2 §STOMP Frames: every command round-trips through the parser', () => {
    for (const version of ['1.0', '1.1', '1.2'] as StompVersion[]) {
      for (const command of ALL_COMMANDS) {
        const frame = encodeFrame(command, { id: '1', x: 'y' }, bytes('body'), { version });
        expect(parse(frame, { version }).frames.map(plain)).toEqual([
          { command, headers: { id: '1', x: 'y', 'content-length': '4' }, body: 'body' },
        ]);
      }
    }
  });
});

describe('escaping when encoding', () => {
  const tricky = { 'a:b': 'x\\y\nz:w\rv' };

  it('STOMP 1.2 §Value Encoding: \\ LF : CR are escaped in names and values', () => {
    expect(asText(encodeFrame('SEND', tricky, undefined, { version: '1.2' }))).toBe('SEND\na\\cb:x\\\\y\\nz\\cw\\rv\n\n^@');
  });

  it('STOMP 1.1 §Value Encoding: \\ LF : are escaped and an inner CR is written as is', () => {
    expect(asText(encodeFrame('SEND', tricky, undefined, { version: '1.1' }))).toBe('SEND\na\\cb:x\\\\y\\nz\\cw\rv\n\n^@');
    expect(parse(encodeFrame('SEND', tricky, undefined, { version: '1.1' }), { version: '1.1' }).frames[0]!.headers).toEqual(
      Object.assign(Object.create(null), tricky),
    );
  });

  it('STOMP 1.1: a value ending in CR cannot be represented and is rejected, not corrupted', () => {
    expect(thrown(() => encodeFrame('SEND', { k: 'v\r' }, undefined, { version: '1.1' })).code).toBe('MALFORMED_HEADER');
  });

  it('STOMP 1.0: no escaping; colons in values are written raw', () => {
    expect(asText(encodeFrame('SEND', { k: 'a:b\\c' }, undefined, { version: '1.0' }))).toBe('SEND\nk:a:b\\c\n\n^@');
  });

  it('STOMP 1.0: a line feed in a value or a colon in a name is rejected, not corrupted', () => {
    expect(thrown(() => encodeFrame('SEND', { k: 'a\nb' }, undefined, { version: '1.0' })).code).toBe('MALFORMED_HEADER');
    expect(thrown(() => encodeFrame('SEND', { 'a:b': 'v' }, undefined, { version: '1.0' })).code).toBe('MALFORMED_HEADER');
  });

  it.each(['CONNECT', 'STOMP', 'CONNECTED'])('STOMP 1.2 §Value Encoding: %s headers are never escaped', (command) => {
    const frame = encodeFrame(command, { passcode: 'p:w\\d' }, undefined, { version: '1.2' });
    expect(asText(frame)).toBe(`${command}\npasscode:p:w\\d\n\n^@`);
    expect(parse(frame, { version: '1.2' }).frames[0]!.headers['passcode']).toBe('p:w\\d');
  });
});

describe('encodeFrameHead', () => {
  it('head + body + NUL_BYTE equals encodeFrame', () => {
    const body = new Uint8Array([0, 1, 2, 0]);
    const headers = { destination: '/topic/t', 'x:y': 'a\nb' };
    const head = encodeFrameHead('MESSAGE', headers, body.length, { version: '1.2' });
    const whole = encodeFrame('MESSAGE', headers, body, { version: '1.2' });
    expect(new Uint8Array([...head, ...body, ...NUL_BYTE])).toEqual(whole);
  });

  it('the head of an empty-bodied frame has no content-length', () => {
    expect(text(encodeFrameHead('RECEIPT', { 'receipt-id': '9' }, 0, { version: '1.2' }))).toBe('RECEIPT\nreceipt-id:9\n\n');
  });

  it('STOMP 1.2 §Heart-beating: NUL_BYTE and HEARTBEAT_EOL are the terminator and one LF', () => {
    expect([...NUL_BYTE]).toEqual([0]);
    expect([...HEARTBEAT_EOL]).toEqual([0x0a]);
  });
});
