import { FrameParser, encodeFrame, utf8Encode, type StompFrame, type StompHeaders } from '@tsmq/codec';
import { describe, expect, it } from 'vitest';
import { BytesMessage, MapMessage, TextMessage } from '../src/index.js';
import { decodeMessage, encodeMessage } from '../src/wire/message-codec.js';

/**
 * The frames below are what ActiveMQ 5.17 actually sends (captured from a real broker); the
 * interop test in test/interop-activemq.test.ts runs the same exchanges against ActiveMQ itself.
 */

function parse(bytes: Uint8Array): StompFrame {
  const frames: StompFrame[] = [];
  const parser = new FrameParser((f) => frames.push(f), {});
  parser.setVersion('1.2');
  parser.push(bytes);
  return frames[0]!;
}

function activeMqMessage(headers: StompHeaders, body: string): StompFrame {
  return { command: 'MESSAGE', headers: { destination: '/queue/q', subscription: '1', 'message-id': 'ID:amq-1', ...headers }, body: utf8Encode(body) };
}

describe('ActiveMQ STOMP wire details', () => {
  it('ActiveMQ STOMP transformation: a MapMessage goes without content-length (ActiveMQ transforms only such a SEND); Text and Bytes keep it', () => {
    const map = new MapMessage();
    map.setString('name', 'Dejan');
    const encodedMap = encodeMessage(map);
    expect(encodedMap.contentLength).toBe(false);
    const frame = parse(encodeFrame('SEND', encodedMap.headers, encodedMap.body, { version: '1.2', contentLength: encodedMap.contentLength }));
    expect(frame.headers['content-length']).toBeUndefined();
    expect(frame.headers['transformation']).toBe('jms-map-json');
    expect(decodeMessage({ ...frame, command: 'MESSAGE' })).toBeInstanceOf(MapMessage);

    const text = new TextMessage('a\u0000b');
    expect(encodeMessage(text).contentLength).toBe(true);
    expect(encodeMessage(new BytesMessage()).contentLength).toBe(true);
  });

  it("ActiveMQ STOMP transformation: a Java MapMessage's jms-map-json keeps a long above 2^53 exact and reads bare numbers as the declared type", () => {
    // Jettison writes a long and a numeric-looking String as bare JSON numbers.
    const m = decodeMessage(
      activeMqMessage(
        { transformation: 'jms-map-json' },
        '{"map":{"entry":[{"string":"big","long":9007199254740993},{"string":"c","char":"D"},{"string":"f","float":0.1},' +
          '{"string":["num",1]},{"string":["name","Dejan"]},{"string":"raw","byte-array":"AAEC"},{"string":"age","int":36},' +
          '{"string":"neg","long":-9223372036854775808},{"string":"d","double":1.0E-5}]}}',
      ),
    ) as MapMessage;
    expect(m).toBeInstanceOf(MapMessage);
    expect(m.getLong('big')).toBe(9007199254740993n);
    expect(m.getLong('neg')).toBe(-9223372036854775808n);
    expect(m.getChar('c')).toBe('D');
    expect(m.getFloat('f')).toBe(Math.fround(0.1));
    expect(m.getString('num')).toBe('1');
    expect(m.getString('name')).toBe('Dejan');
    expect([...m.getBytes('raw')!]).toEqual([0, 1, 2]);
    expect(m.getInt('age')).toBe(36);
    expect(m.getDouble('d')).toBe(1e-5);
  });

  it('ActiveMQ STOMP transformation: with a jms-json subscription a Java TextMessage says transformation:jms-json and stays a TextMessage', () => {
    const m = decodeMessage(activeMqMessage({ transformation: 'jms-json', lp: '9007199254740993' }, 'hi from java'));
    expect(m).toBeInstanceOf(TextMessage);
    expect((m as TextMessage).getText()).toBe('hi from java');
    expect(m.getLongProperty('lp')).toBe(9007199254740993n);
    expect(m.propertyExists('transformation')).toBe(false);
  });

  it('ActiveMQ STOMP transformation: a map ActiveMQ could not transform (transformation-error, byte[] entry) still reads as a MapMessage', () => {
    const m = decodeMessage(
      activeMqMessage({ transformation: 'jms-json', 'transformation-error': '[B' }, '{"map":{"entry":[{"string":"raw","byte-array":"AAH/"},{"string":"n","int":1}]}}'),
    ) as MapMessage;
    expect(m).toBeInstanceOf(MapMessage);
    expect([...m.getBytes('raw')!]).toEqual([0, 1, 255]);
    expect(m.getInt('n')).toBe(1);
    // A failed transformation of something that is no map stays the text it is.
    const t = decodeMessage(activeMqMessage({ 'transformation-error': 'bad' }, '{"map" is not json'));
    expect(t).toBeInstanceOf(TextMessage);
  });
});
