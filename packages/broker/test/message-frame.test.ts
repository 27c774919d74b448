import { FrameParser, type StompFrame, type StompVersion } from '@tsmq/codec';
import { describe, expect, it } from 'vitest';
import { encodeMessageFrame, encodeMessagePrefix, writeMessageFrame } from '../src/protocol/message-frame.js';
import { Outbox } from '../src/protocol/outbox.js';
import { messageFromSend } from '../src/protocol/message-headers.js';
import type { StoredMessage } from '../src/store/message-store.js';

const utf8 = new TextEncoder();

function message(headers: Record<string, string>, body = 'hello', overrides: Partial<StoredMessage> = {}): StoredMessage {
  const frame: StompFrame = {
    command: 'SEND',
    headers: Object.assign(Object.create(null) as Record<string, string>, { destination: '/queue/a', ...headers }),
    body: utf8.encode(body),
  };
  const m = messageFromSend(frame, frame.headers.destination!, 1_700_000_000_000, false);
  m.seq = 7;
  m.messageId = 'ID:broker-1:7';
  return Object.assign(m, overrides);
}

/** What a client reads: the frame parsed back by the codec under the same version. */
function read(bytes: Uint8Array[], version: StompVersion): StompFrame {
  const frames: StompFrame[] = [];
  const parser = new FrameParser((f) => frames.push(f), { version });
  for (const b of bytes) parser.push(b);
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

function deliver(m: StoredMessage, version: StompVersion, subscription = 'sub-1', ackId?: string): StompFrame {
  return read([encodeMessageFrame(encodeMessagePrefix(subscription, version), m, version, ackId, true)], version);
}

describe('MESSAGE frames from cached parts', () => {
  it('STOMP 1.2 §MESSAGE: carries subscription, message-id, destination, ack, the producer headers and the body', () => {
    const f = deliver(message({ color: 'red', 'content-type': 'text/plain' }), '1.2', 'sub-1', '42');
    expect(f.command).toBe('MESSAGE');
    expect({ ...f.headers }).toEqual({
      subscription: 'sub-1',
      'message-id': 'ID:broker-1:7',
      destination: '/queue/a',
      ack: '42',
      JMSXDeliveryCount: '1',
      color: 'red',
      'content-type': 'text/plain',
      timestamp: '1700000000000',
      'content-length': '5',
    });
    expect(new TextDecoder().decode(f.body)).toBe('hello');
  });

  it('STOMP 1.2 §MESSAGE: without an ack id there is no ack header; an empty body has no content-length', () => {
    const f = deliver(message({}, ''), '1.2');
    expect(f.headers.ack).toBeUndefined();
    expect(f.headers['content-length']).toBeUndefined();
    expect(f.body).toHaveLength(0);
  });

  it.each(['1.1', '1.2'] as StompVersion[])('STOMP %s §Value Encoding: colons, backslashes and LFs survive the trip', (version) => {
    const headers = { 'a:b': 'x\\y\nz:w', plain: 'p' };
    const f = deliver(message(headers, 'x', { destination: '/queue/odd:name' }), version, 'sub:1');
    expect(f.headers['a:b']).toBe('x\\y\nz:w');
    expect(f.headers.destination).toBe('/queue/odd:name');
    expect(f.headers.subscription).toBe('sub:1');
    expect(f.headers['message-id']).toBe('ID:broker-1:7');
  });

  it('STOMP 1.2 §Value Encoding: a CR is escaped in 1.2', () => {
    expect(deliver(message({ cr: 'a\rb' }), '1.2').headers.cr).toBe('a\rb');
  });

  it('STOMP 1.1: a CR inside a value is sent raw and read back', () => {
    expect(deliver(message({ cr: 'a\rb' }), '1.1').headers.cr).toBe('a\rb');
  });

  it('STOMP 1.0: nothing is escaped, colons in values are sent raw', () => {
    const f = deliver(message({ url: 'http://h:1/x\\y' }), '1.0');
    expect(f.headers.url).toBe('http://h:1/x\\y');
    expect(f.headers['message-id']).toBe('ID:broker-1:7');
  });

  it('STOMP 1.0: a header value with a line feed cannot be sent and is rejected, not corrupted', () => {
    expect(() => deliver(message({ bad: 'a\nb' }), '1.0')).toThrow(expect.objectContaining({ code: 'MALFORMED_HEADER' }));
  });

  it('STOMP 1.2 §Value Encoding: UTF-8 header text is sent as UTF-8', () => {
    expect(deliver(message({ 'näme': 'välue ☃ 😀' }), '1.2').headers['näme']).toBe('välue ☃ 😀');
  });

  it('JMS 2.0 §3.5.11: a redelivery says redelivered and counts JMSXDeliveryCount up', () => {
    const m = message({ k: 'v' });
    expect(deliver(m, '1.2').headers.redelivered).toBeUndefined();
    m.redeliveryCount = 2;
    const again = deliver(m, '1.2');
    expect(again.headers.redelivered).toBe('true');
    expect(again.headers.JMSXDeliveryCount).toBe('3');
    expect(again.headers.k).toBe('v');
  });

  it('a copy moved to another destination (dead-letter queue) is not sent with its original headers', () => {
    const m = message({ k: 'v' });
    deliver(m, '1.2');
    const moved: StoredMessage = { ...m, destination: '/queue/DLQ', headers: { ...m.headers, 'original-destination': '/queue/a' } };
    const f = deliver(moved, '1.2');
    expect(f.headers.destination).toBe('/queue/DLQ');
    expect(f.headers['original-destination']).toBe('/queue/a');
    expect(deliver(m, '1.2').headers.destination).toBe('/queue/a');
  });

  it('a message delivered many times (topic subscribers) gets the same bytes every time', () => {
    const m = message({ k: 'a:b', 'näme': 'ü' }, 'body');
    const prefix = encodeMessagePrefix('s', '1.2');
    const frames = [1, 2, 3].map(() => new TextDecoder().decode(encodeMessageFrame(prefix, m, '1.2', '9', true)));
    expect(frames[1]).toBe(frames[0]);
    expect(frames[2]).toBe(frames[0]);
    const plain = message({ k: 'v' }, 'body');
    const again = [1, 2, 3].map(() => new TextDecoder().decode(encodeMessageFrame(prefix, plain, '1.2', undefined, true)));
    expect(new Set(again).size).toBe(1);
    expect(read([new TextEncoder().encode(again[2]!)], '1.2').headers.k).toBe('v');
  });

  it('frames written into an outbox are the bytes encodeMessageFrame makes, back to back', () => {
    const cases: Array<[StompVersion, StoredMessage]> = [
      ['1.2', message({ k: 'v' })],
      ['1.2', message({ 'a:b': 'x\\y\nz\r' }, 'with escapes')],
      ['1.1', message({ 'näme': 'välue' }, 'utf-8, left to the codec')],
      ['1.1', message({ cr: 'a\rb' }, 'a raw CR, left to the codec')],
      ['1.0', message({ url: 'http://h:1/' }, '')],
    ];
    const outbox = new Outbox();
    const expected: Uint8Array[] = [];
    for (const [version, m] of cases) {
      const prefix = encodeMessagePrefix('s', version);
      expected.push(encodeMessageFrame(prefix, { ...m }, version, '5', true));
      writeMessageFrame(outbox, prefix, m, version, '5', true);
    }
    const written = Buffer.concat(outbox.take());
    expect(written.equals(Buffer.concat(expected))).toBe(true);
    expect(outbox.isEmpty).toBe(true);
  });

  it('STOMP 1.0: a frame the version cannot carry leaves nothing half-written in the outbox', () => {
    const outbox = new Outbox();
    expect(() => writeMessageFrame(outbox, encodeMessagePrefix('s', '1.0'), message({ bad: 'a\nb' }), '1.0', undefined, true)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_HEADER' }),
    );
    expect(outbox.bytes).toBe(0);
    expect(outbox.take()).toEqual([]);
  });

  it('the same message goes out right to subscribers of different versions', () => {
    const m = message({ k: 'a:b' });
    const raw = (version: StompVersion) => new TextDecoder().decode(encodeMessageFrame(encodeMessagePrefix('s', version), m, version, undefined, true));
    expect(raw('1.2')).toContain('\nk:a\\cb\n');
    expect(raw('1.0')).toContain('\nk:a:b\n');
    expect(raw('1.1')).toContain('\nk:a\\cb\n');
    for (const version of ['1.2', '1.0', '1.1'] as StompVersion[]) expect(deliver(m, version).headers.k).toBe('a:b');
  });

  it('STOMP 1.2 §STOMP Frames: a head without the body, then the body and NUL, read as one frame', () => {
    const m = message({ k: 'v' }, 'large body');
    const head = encodeMessageFrame(encodeMessagePrefix('s', '1.2'), m, '1.2', '1', false);
    const f = read([head, m.body, new Uint8Array([0])], '1.2');
    expect(f.headers['content-length']).toBe('10');
    expect(new TextDecoder().decode(f.body)).toBe('large body');
  });

  it('headers named __proto__ and constructor are ordinary headers of the stored message', () => {
    const m = message({ ['__proto__']: 'x', constructor: 'y' });
    expect(Object.keys(m.headers)).toEqual(['__proto__', 'constructor', 'timestamp']);
    expect(Object.getPrototypeOf(m.headers)).toBeNull();
    const f = deliver(m, '1.2');
    expect(f.headers['__proto__']).toBe('x');
    expect(f.headers.constructor).toBe('y');
  });
});
