import { FrameParser, encodeFrame, type StompFrame } from '@tsmq/codec';
import { describe, expect, it } from 'vitest';
import {
  BytesMessage,
  DeliveryMode,
  MapMessage,
  Message,
  MessageFormatException,
  ObjectMessage,
  Queue,
  StreamMessage,
  TextMessage,
  Topic,
} from '../src/index.js';
import { decodeMessage, encodeMessage } from '../src/wire/message-codec.js';
import { decodeMapJson, encodeMapJson } from '../src/wire/typed-json.js';

/** Sends the message through real STOMP bytes: encode, serialise, parse, decode (as MESSAGE). */
function viaWire(m: Message): { frame: StompFrame; received: Message } {
  const { headers, body } = encodeMessage(m);
  const bytes = encodeFrame('MESSAGE', { ...headers, subscription: '1', 'message-id': 'ID:b-1' }, body, { version: '1.2' });
  const frames: StompFrame[] = [];
  const parser = new FrameParser((f) => frames.push(f), {});
  parser.setVersion('1.2');
  parser.push(bytes);
  return { frame: frames[0]!, received: decodeMessage(frames[0]!) };
}

function withAllProperties<T extends Message>(m: T): T {
  m.setBooleanProperty('pBool', true);
  m.setByteProperty('pByte', -128);
  m.setShortProperty('pShort', 32767);
  m.setIntProperty('pInt', -2147483648);
  m.setLongProperty('pLong', -9223372036854775808n);
  m.setFloatProperty('pFloat', 3.4e38);
  m.setDoubleProperty('pDouble', Number.MIN_VALUE);
  m.setDoubleProperty('pNaN', NaN);
  m.setStringProperty('pString', 'a:b\nc\\d');
  m.setStringProperty('pNumText', '12');
  m.setStringProperty('JMSXGroupID', 'group-1');
  m.setIntProperty('JMSXGroupSeq', 3);
  return m;
}

function expectAllProperties(r: Message): void {
  expect(r.getPropertyType('pBool')).toBe('boolean');
  expect(r.getBooleanProperty('pBool')).toBe(true);
  expect(r.getPropertyType('pByte')).toBe('byte');
  expect(r.getByteProperty('pByte')).toBe(-128);
  expect(r.getPropertyType('pShort')).toBe('short');
  expect(r.getShortProperty('pShort')).toBe(32767);
  expect(r.getPropertyType('pInt')).toBe('int');
  expect(r.getIntProperty('pInt')).toBe(-2147483648);
  expect(r.getObjectProperty('pLong')).toBe(-9223372036854775808n);
  expect(r.getPropertyType('pFloat')).toBe('float');
  expect(r.getFloatProperty('pFloat')).toBe(Math.fround(3.4e38));
  expect(r.getPropertyType('pDouble')).toBe('double');
  expect(r.getDoubleProperty('pDouble')).toBe(Number.MIN_VALUE);
  expect(r.getDoubleProperty('pNaN')).toBeNaN();
  expect(r.getPropertyType('pString')).toBe('string');
  expect(r.getStringProperty('pString')).toBe('a:b\nc\\d');
  expect(r.getPropertyType('pNumText')).toBe('string');
  expect(r.getStringProperty('JMSXGroupID')).toBe('group-1');
  expect(r.getIntProperty('JMSXGroupSeq')).toBe(3);
}

describe('wire format (docs/wire-format.md)', () => {
  it('JMS 2.0 §3.5.4: every typed property round-trips exactly through jms-prop-types', () => {
    const { frame, received } = viaWire(withAllProperties(new Message()));
    expect(frame.headers['jms-prop-types']).toContain('pLong=long');
    expect(frame.headers['pLong']).toBe('-9223372036854775808');
    expectAllProperties(received);
  });
  it('ActiveMQ STOMP: a TextMessage is sent with amq-msg-type:text and an exact byte content-length', () => {
    const { frame, received } = viaWire(withAllProperties(new TextMessage('héllo ✓')));
    expect(frame.headers['amq-msg-type']).toBe('text');
    expect(frame.headers['content-length']).toBe(String(Buffer.byteLength('héllo ✓')));
    expect(received).toBeInstanceOf(TextMessage);
    expect((received as TextMessage).getText()).toBe('héllo ✓');
    expectAllProperties(received);
  });
  it('ActiveMQ STOMP: a BytesMessage keeps its exact bytes, NUL included', () => {
    const m = new BytesMessage();
    m.writeBytes(new Uint8Array([0, 1, 0, 255]));
    m.writeLong(1n << 62n);
    const { frame, received } = viaWire(m);
    expect(frame.headers['content-length']).toBe('12');
    expect(received).toBeInstanceOf(BytesMessage);
    const r = received as BytesMessage;
    expect(r.getBodyLength()).toBe(12);
    const head = new Uint8Array(4);
    r.readBytes(head);
    expect([...head]).toEqual([0, 1, 0, 255]);
    expect(r.readLong()).toBe(1n << 62n);
  });
  it('ActiveMQ STOMP: a body with content-length and no amq-msg-type is a BytesMessage, without one a TextMessage', () => {
    const bytes = decodeMessage({ command: 'MESSAGE', headers: { 'content-length': '2' }, body: new Uint8Array([104, 105]) });
    expect(bytes).toBeInstanceOf(BytesMessage);
    const text = decodeMessage({ command: 'MESSAGE', headers: {}, body: new Uint8Array([104, 105]) });
    expect((text as TextMessage).getText()).toBe('hi');
  });
  it('ActiveMQ jms-map-json: a MapMessage round-trips every Java type', () => {
    const m = new MapMessage();
    m.setBoolean('bool', false);
    m.setByte('byte', 7);
    m.setShort('short', -300);
    m.setChar('char', 'é');
    m.setInt('int', 123456);
    m.setLong('long', 9007199254740993n);
    m.setFloat('float', 0.1);
    m.setDouble('double', -Infinity);
    m.setString('string', 'x"y');
    m.setString('numeric', '6');
    m.setBytes('bytes', new Uint8Array([0, 200, 7]));
    m.setObject('nothing', null);
    const { frame, received } = viaWire(m);
    expect(frame.headers['transformation']).toBe('jms-map-json');
    const r = received as MapMessage;
    expect(r).toBeInstanceOf(MapMessage);
    for (const name of m.getMapNames()) expect(r.getType(name), name).toBe(m.getType(name));
    expect(r.getBoolean('bool')).toBe(false);
    expect(r.getByte('byte')).toBe(7);
    expect(r.getShort('short')).toBe(-300);
    expect(r.getChar('char')).toBe('é');
    expect(r.getInt('int')).toBe(123456);
    expect(r.getLong('long')).toBe(9007199254740993n);
    expect(r.getFloat('float')).toBe(Math.fround(0.1));
    expect(r.getDouble('double')).toBe(-Infinity);
    expect(r.getString('string')).toBe('x"y');
    expect(r.getString('numeric')).toBe('6');
    expect([...r.getBytes('bytes')!]).toEqual([0, 200, 7]);
    expect(r.itemExists('nothing')).toBe(true);
    expect(r.getObject('nothing')).toBeNull();
  });
  it('ActiveMQ jms-map-json: the XStream/Jettison JSON ActiveMQ produces is read, single entry included', () => {
    const many = decodeMapJson('{"map":{"entry":[{"string":["name","Dejan"]},{"string":"age","int":36},{"string":["id",6]}]}}');
    expect(many.get('name')).toEqual({ type: 'string', value: 'Dejan' });
    expect(many.get('age')).toEqual({ type: 'int', value: 36 });
    expect(many.get('id')).toEqual({ type: 'string', value: '6' });
    const one = decodeMapJson('{"map":{"entry":{"string":"n","long":5}}}');
    expect(one.get('n')).toEqual({ type: 'long', value: 5n });
    expect(decodeMapJson('{"map":""}').size).toBe(0);
  });
  it('ActiveMQ jms-map-json: string entries are written the way XStream writes them', () => {
    const entries = new Map([['name', { type: 'string' as const, value: 'Dejan' }]]);
    expect(encodeMapJson(entries)).toBe('{"map":{"entry":[{"string":["name","Dejan"]}]}}');
  });
  it('JMS 2.0 §3.11.3: a StreamMessage round-trips every field type, null included', () => {
    const m = new StreamMessage();
    m.writeBoolean(true);
    m.writeByte(-1);
    m.writeShort(2);
    m.writeChar('c');
    m.writeInt(3);
    m.writeLong(-(2n ** 63n));
    m.writeFloat(1.1);
    m.writeDouble(NaN);
    m.writeString('s');
    m.writeBytes(new Uint8Array([9, 8]));
    m.writeObject(null);
    const { frame, received } = viaWire(m);
    expect(frame.headers['tsmq-msg-type']).toBe('stream');
    const r = received as StreamMessage;
    expect(r).toBeInstanceOf(StreamMessage);
    expect(r.readBoolean()).toBe(true);
    expect(r.readByte()).toBe(-1);
    expect(r.readObject()).toBe(2);
    expect(() => r.readByte()).toThrow(MessageFormatException); // still a char
    expect(r.readChar()).toBe('c');
    expect(r.readInt()).toBe(3);
    expect(r.readLong()).toBe(-(2n ** 63n));
    expect(() => r.readLong()).toThrow(MessageFormatException); // a float stays a float
    expect(r.readFloat()).toBe(Math.fround(1.1));
    expect(r.readDouble()).toBeNaN();
    expect(r.readString()).toBe('s');
    expect([...(r.readObject() as Uint8Array)]).toEqual([9, 8]);
    expect(r.readObject()).toBeNull();
  });
  it('JMS 2.0 §3.13: an ObjectMessage travels as JSON with transformation:jms-object-json', () => {
    const { frame, received } = viaWire(new ObjectMessage({ order: 1, lines: [{ sku: 'a' }] }));
    expect(frame.headers['transformation']).toBe('jms-object-json');
    expect((received as ObjectMessage).getObject()).toEqual({ order: 1, lines: [{ sku: 'a' }] });
  });
  it('JMS 2.0 §3.4: header fields map to ActiveMQ STOMP headers and back', () => {
    const m = new TextMessage('x');
    m.setJMSDestination(new Queue('orders'));
    m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
    m.setJMSPriority(7);
    m.setJMSTimestamp(1_700_000_000_000);
    m.setJMSExpiration(1_700_000_060_000);
    m.setJMSDeliveryTime(1_700_000_005_000);
    m.setJMSCorrelationID('corr-1');
    m.setJMSReplyTo(new Topic('replies'));
    m.setJMSType('OrderCreated');
    const { frame, received: r } = viaWire(m);
    expect(frame.headers).toMatchObject({
      destination: '/queue/orders',
      persistent: 'false',
      priority: '7',
      expires: '1700000060000',
      'correlation-id': 'corr-1',
      'reply-to': '/topic/replies',
      type: 'OrderCreated',
      AMQ_SCHEDULED_DELAY: '5000',
    });
    expect(r.getJMSDestination()).toEqual(new Queue('orders'));
    expect(r.getJMSDeliveryMode()).toBe(DeliveryMode.NON_PERSISTENT);
    expect(r.getJMSPriority()).toBe(7);
    expect(r.getJMSExpiration()).toBe(1_700_000_060_000);
    expect(r.getJMSCorrelationID()).toBe('corr-1');
    expect(r.getJMSReplyTo()).toEqual(new Topic('replies'));
    expect(r.getJMSType()).toBe('OrderCreated');
    expect(r.getPropertyNames()).toEqual(['JMSXDeliveryCount']);
  });
  it('JMS 2.0 §3.5.11: redelivered and JMSXDeliveryCount are read from the MESSAGE frame (default 1)', () => {
    const first = decodeMessage({ command: 'MESSAGE', headers: {}, body: new Uint8Array(0) });
    expect(first.getJMSRedelivered()).toBe(false);
    expect(first.getIntProperty('JMSXDeliveryCount')).toBe(1);
    const again = decodeMessage({
      command: 'MESSAGE',
      headers: { redelivered: 'true', JMSXDeliveryCount: '3' },
      body: new Uint8Array(0),
    });
    expect(again.getJMSRedelivered()).toBe(true);
    expect(again.getIntProperty('JMSXDeliveryCount')).toBe(3);
  });
  it('a property named like a STOMP header is refused on send, not silently lost', () => {
    const m = new Message();
    m.setStringProperty('priority', 'high');
    expect(() => encodeMessage(m)).toThrow(MessageFormatException);
  });
});
