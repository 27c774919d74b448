import { describe, expect, it } from 'vitest';
import {
  DeliveryMode,
  Message,
  MessageFormatException,
  MessageNotWriteableException,
  NumberFormatException,
  TextMessage,
} from '../src/index.js';

describe('message headers', () => {
  it('JMS 2.0 §3.4: defaults are PERSISTENT, priority 4, no expiration, not redelivered', () => {
    const m = new Message();
    expect(m.getJMSDeliveryMode()).toBe(DeliveryMode.PERSISTENT);
    expect(m.getJMSPriority()).toBe(4);
    expect(m.getJMSExpiration()).toBe(0);
    expect(m.getJMSRedelivered()).toBe(false);
    expect(m.getJMSMessageID()).toBeNull();
    expect(m.getJMSCorrelationID()).toBeNull();
  });
  it('JMS 2.0 §3.4.3: a JMSMessageID always starts with ID:', () => {
    const m = new Message();
    m.setJMSMessageID('abc:1');
    expect(m.getJMSMessageID()).toBe('ID:abc:1');
    m.setJMSMessageID('ID:x');
    expect(m.getJMSMessageID()).toBe('ID:x');
  });
  it('JMS 2.0 §3.4.10: priority outside 0..9 is refused', () => {
    expect(() => new Message().setJMSPriority(10)).toThrow(MessageFormatException);
  });
});

describe('JMS 2.0 §3.5.4 property conversions', () => {
  const m = new Message();
  m.setBooleanProperty('b', true);
  m.setByteProperty('y', -5);
  m.setShortProperty('s', 300);
  m.setIntProperty('i', 70000);
  m.setLongProperty('l', 9007199254740993n);
  m.setFloatProperty('f', 1.1);
  m.setDoubleProperty('d', 2.5);
  m.setStringProperty('str', '42');
  m.setStringProperty('strTrue', 'TRUE');
  m.setStringProperty('strFloat', '3.25');

  it('JMS 2.0 §3.5.4: boolean reads as boolean and String only', () => {
    expect(m.getBooleanProperty('b')).toBe(true);
    expect(m.getStringProperty('b')).toBe('true');
    expect(() => m.getIntProperty('b')).toThrow(MessageFormatException);
    expect(() => m.getDoubleProperty('b')).toThrow(MessageFormatException);
  });
  it('JMS 2.0 §3.5.4: byte widens to short, int, long and String', () => {
    expect(m.getByteProperty('y')).toBe(-5);
    expect(m.getShortProperty('y')).toBe(-5);
    expect(m.getIntProperty('y')).toBe(-5);
    expect(m.getLongProperty('y')).toBe(-5n);
    expect(m.getStringProperty('y')).toBe('-5');
    expect(() => m.getFloatProperty('y')).toThrow(MessageFormatException);
    expect(() => m.getBooleanProperty('y')).toThrow(MessageFormatException);
  });
  it('JMS 2.0 §3.5.4: short and int do not narrow', () => {
    expect(() => m.getByteProperty('s')).toThrow(MessageFormatException);
    expect(m.getIntProperty('s')).toBe(300);
    expect(() => m.getShortProperty('i')).toThrow(MessageFormatException);
    expect(m.getLongProperty('i')).toBe(70000n);
  });
  it('JMS 2.0 §3.5.4: long is a bigint, exact above 2^53, and reads only as long or String', () => {
    expect(m.getLongProperty('l')).toBe(9007199254740993n);
    expect(m.getStringProperty('l')).toBe('9007199254740993');
    expect(m.getObjectProperty('l')).toBe(9007199254740993n);
    expect(() => m.getIntProperty('l')).toThrow(MessageFormatException);
    expect(() => m.getDoubleProperty('l')).toThrow(MessageFormatException);
  });
  it('JMS 2.0 §3.5.4: float keeps 32-bit precision and widens to double', () => {
    expect(m.getFloatProperty('f')).toBe(Math.fround(1.1));
    expect(m.getDoubleProperty('f')).toBe(Math.fround(1.1));
    expect(() => m.getLongProperty('f')).toThrow(MessageFormatException);
    expect(() => m.getFloatProperty('d')).toThrow(MessageFormatException);
    expect(m.getStringProperty('d')).toBe('2.5');
  });
  it('JMS 2.0 §3.5.4: String converts to every type via valueOf', () => {
    expect(m.getIntProperty('str')).toBe(42);
    expect(m.getByteProperty('str')).toBe(42);
    expect(m.getLongProperty('str')).toBe(42n);
    expect(m.getDoubleProperty('str')).toBe(42);
    expect(m.getBooleanProperty('strTrue')).toBe(true);
    expect(m.getBooleanProperty('str')).toBe(false);
    expect(m.getFloatProperty('strFloat')).toBe(3.25);
    expect(() => m.getIntProperty('strFloat')).toThrow(NumberFormatException);
  });
  it('JMS 2.0 §3.5.4: a String out of the target range throws NumberFormatException', () => {
    const n = new Message();
    n.setStringProperty('big', '128');
    expect(() => n.getByteProperty('big')).toThrow(NumberFormatException);
    expect(n.getShortProperty('big')).toBe(128);
  });
  it('JMS 2.0 §3.5.4: a missing property reads as valueOf(null)', () => {
    expect(m.getBooleanProperty('none')).toBe(false);
    expect(m.getStringProperty('none')).toBeNull();
    expect(m.getObjectProperty('none')).toBeNull();
    expect(() => m.getIntProperty('none')).toThrow(NumberFormatException);
    expect(() => m.getDoubleProperty('none')).toThrow(NumberFormatException);
  });
  it('JMS 2.0 §3.5.4: Java ranges are checked on set', () => {
    const n = new Message();
    expect(() => n.setByteProperty('x', 128)).toThrow(MessageFormatException);
    expect(() => n.setShortProperty('x', -32769)).toThrow(MessageFormatException);
    expect(() => n.setIntProperty('x', 2 ** 31)).toThrow(MessageFormatException);
    expect(() => n.setIntProperty('x', 1.5)).toThrow(MessageFormatException);
    expect(() => n.setLongProperty('x', 2n ** 63n)).toThrow(MessageFormatException);
    n.setIntProperty('x', -(2 ** 31));
    expect(n.getIntProperty('x')).toBe(-(2 ** 31));
  });
  it('JMS 2.0 §3.5.4: setObjectProperty infers int, double, long, boolean and String', () => {
    const n = new Message();
    n.setObjectProperty('i', 7);
    n.setObjectProperty('d', 7.5);
    n.setObjectProperty('l', 7n);
    n.setObjectProperty('s', 'x');
    n.setObjectProperty('f', { type: 'float', value: 0.1 });
    expect(n.getPropertyType('i')).toBe('int');
    expect(n.getPropertyType('d')).toBe('double');
    expect(n.getPropertyType('l')).toBe('long');
    expect(n.getPropertyType('s')).toBe('string');
    expect(n.getFloatProperty('f')).toBe(Math.fround(0.1));
    expect(() => n.setObjectProperty('b', new Uint8Array(1) as never)).toThrow(MessageFormatException);
  });
  it('JMS 2.0 §3.5.6: propertyExists, getPropertyNames and clearProperties', () => {
    const n = new Message();
    n.setIntProperty('a', 1);
    n.setStringProperty('b', 'x');
    expect(n.propertyExists('a')).toBe(true);
    expect(n.propertyExists('c')).toBe(false);
    expect(n.getPropertyNames().sort()).toEqual(['a', 'b']);
    n.clearProperties();
    expect(n.getPropertyNames()).toEqual([]);
  });
});

describe('JMS 2.0 §3.5.1 property names', () => {
  it.each(['1abc', 'a-b', 'a b', ''])('JMS 2.0 §3.5.1: "%s" is not a Java identifier and is refused', (name) => {
    expect(() => new Message().setStringProperty(name, 'v')).toThrow(MessageFormatException);
  });
  it.each(['NULL', 'true', 'False', 'NOT', 'and', 'OR', 'BETWEEN', 'LIKE', 'IN', 'IS', 'ESCAPE'])(
    'JMS 2.0 §3.8.1.1: the selector keyword %s is refused as a property name',
    (name) => {
      expect(() => new Message().setIntProperty(name, 1)).toThrow(MessageFormatException);
    },
  );
  it('JMS 2.0 §3.5.9: JMS-prefixed names are reserved except JMSXGroupID and JMSXGroupSeq', () => {
    const m = new Message();
    expect(() => m.setStringProperty('JMSFoo', 'x')).toThrow(MessageFormatException);
    expect(() => m.setIntProperty('JMSXDeliveryCount', 3)).toThrow(MessageFormatException);
    m.setStringProperty('JMSXGroupID', 'g');
    m.setIntProperty('JMSXGroupSeq', 2);
    expect(m.getStringProperty('JMSXGroupID')).toBe('g');
    m.setStringProperty('$ok_name1', 'v');
    m.setStringProperty('prix€', 'v');
  });
});

describe('JMS 2.0 §3.10 read-only received messages', () => {
  it('JMS 2.0 §3.10: properties of a received message are read-only until clearProperties', () => {
    const m = new TextMessage('hi');
    m.setIntProperty('a', 1);
    m.markReceived();
    expect(() => m.setIntProperty('b', 2)).toThrow(MessageNotWriteableException);
    expect(m.getIntProperty('a')).toBe(1);
    m.clearProperties();
    m.setIntProperty('b', 2);
    expect(m.getIntProperty('b')).toBe(2);
  });
  it('JMS 2.0 §3.11.2: the body of a received message is read-only until clearBody', () => {
    const m = new TextMessage('hi');
    m.markReceived();
    expect(() => m.setText('x')).toThrow(MessageNotWriteableException);
    expect(m.getText()).toBe('hi');
    m.clearBody();
    expect(m.getText()).toBeNull();
    m.setText('x');
    expect(m.getText()).toBe('x');
  });
});
