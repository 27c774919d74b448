import { describe, expect, it } from 'vitest';
import {
  InvalidPropertyTypesError,
  InvalidPropertyValueError,
  JMS_HEADER_FIELDS,
  PROPERTY_TYPES_HEADER,
  StompPropertySource,
  UntypedString,
  decodeTypedValue,
  encodePropertyTypes,
  parsePropertyTypes,
  parseSelector,
  type JmsPropertyType,
} from '../src/index.js';

/** Headers the way the codec builds them: a null-prototype record. */
function headers(record: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, record);
}

const selects = (selector: string, record: Record<string, string>) =>
  parseSelector(selector).matches(new StompPropertySource(headers(record)));

describe('jms-prop-types header', () => {
  it('encodes name=type pairs separated by commas and parses them back', () => {
    const types: [string, JmsPropertyType][] = [
      ['rush', 'boolean'], ['b', 'byte'], ['s', 'short'], ['weight', 'int'], ['id', 'long'], ['f', 'float'], ['ratio', 'double'],
    ];
    const encoded = encodePropertyTypes(types);
    expect(encoded).toBe('rush=boolean,b=byte,s=short,weight=int,id=long,f=float,ratio=double');
    expect([...parsePropertyTypes(encoded)]).toEqual(types);
    expect(PROPERTY_TYPES_HEADER).toBe('jms-prop-types');
  });

  it('an empty header declares nothing; blanks around entries are tolerated', () => {
    expect(parsePropertyTypes('').size).toBe(0);
    expect(encodePropertyTypes([])).toBe('');
    expect([...parsePropertyTypes(' a = int , b=long ')]).toEqual([['a', 'int'], ['b', 'long']]);
  });

  it('junk is rejected with code INVALID_PROPERTY_TYPES', () => {
    for (const junk of ['a', 'a=integer', '=int', 'a=int,,b=long', 'a=int,a=long', 'a=String']) {
      expect(() => parsePropertyTypes(junk), junk).toThrow(InvalidPropertyTypesError);
      try {
        parsePropertyTypes(junk);
      } catch (error) {
        expect((error as InvalidPropertyTypesError).code).toBe('INVALID_PROPERTY_TYPES');
      }
    }
  });

  it('names that could not be read back are refused when encoding', () => {
    expect(() => encodePropertyTypes([['a,b', 'int']])).toThrow(InvalidPropertyTypesError);
    expect(() => encodePropertyTypes([['a=b', 'int']])).toThrow(InvalidPropertyTypesError);
    expect(() => encodePropertyTypes([['', 'int']])).toThrow(InvalidPropertyTypesError);
    expect(() => encodePropertyTypes([['a', 'char' as JmsPropertyType]])).toThrow(InvalidPropertyTypesError);
  });

  it('decodes values per declared type: integers as numbers, long as bigint, float/double incl. NaN and Infinity', () => {
    expect(decodeTypedValue('true', 'boolean')).toBe(true);
    expect(decodeTypedValue('false', 'boolean')).toBe(false);
    expect(decodeTypedValue('-128', 'byte')).toBe(-128);
    expect(decodeTypedValue('32767', 'short')).toBe(32767);
    expect(decodeTypedValue('-2147483648', 'int')).toBe(-2147483648);
    expect(decodeTypedValue('9223372036854775807', 'long')).toBe(9223372036854775807n);
    expect(decodeTypedValue('1.5', 'double')).toBe(1.5);
    expect(decodeTypedValue('1e-7', 'float')).toBe(1e-7);
    expect(decodeTypedValue('NaN', 'double')).toBeNaN();
    expect(decodeTypedValue('Infinity', 'double')).toBe(Infinity);
    expect(decodeTypedValue('-Infinity', 'float')).toBe(-Infinity);
  });

  it('round-trips values encoded as String(n) for every type', () => {
    const samples: [boolean | number | bigint, JmsPropertyType][] = [
      [true, 'boolean'], [127, 'byte'], [-32768, 'short'], [2147483647, 'int'], [-9223372036854775808n, 'long'],
      [0.1 + 0.2, 'double'], [5e-324, 'double'], [1.7976931348623157e308, 'double'],
    ];
    for (const [value, type] of samples) expect(decodeTypedValue(String(value), type)).toBe(value);
  });

  it('refuses values that are not of the declared type, with code INVALID_PROPERTY_VALUE', () => {
    const bad: [string, JmsPropertyType][] = [
      ['yes', 'boolean'], ['128', 'byte'], ['40000', 'short'], ['2147483648', 'int'], ['1.5', 'int'],
      ['9223372036854775808', 'long'], ['', 'long'], ['abc', 'double'], ['0x10', 'int'], [' 1', 'int'],
    ];
    for (const [raw, type] of bad) {
      expect(() => decodeTypedValue(raw, type), `${raw} as ${type}`).toThrow(InvalidPropertyValueError);
    }
  });
});

describe('StompPropertySource: JMS header fields mapped as in ActiveMQ', () => {
  const frame = headers({
    'message-id': 'ID:broker-1:1:1',
    'correlation-id': 'corr-7',
    type: 'car',
    priority: '9',
    timestamp: '1700000000000',
    persistent: 'true',
    expires: '1700000060000',
    redelivered: 'true',
    JMSXDeliveryCount: '2',
    JMSXGroupID: 'g1',
    JMSXGroupSeq: '3',
    'reply-to': '/queue/replies',
    destination: '/queue/orders',
  });
  const source = new StompPropertySource(frame);

  it('reads every JMS header field from its STOMP header with its JMS type', () => {
    expect(source.get('JMSMessageID')).toBe('ID:broker-1:1:1');
    expect(source.get('JMSCorrelationID')).toBe('corr-7');
    expect(source.get('JMSType')).toBe('car');
    expect(source.get('JMSPriority')).toBe(9);
    expect(source.get('JMSTimestamp')).toBe(1700000000000);
    expect(source.get('JMSDeliveryMode')).toBe('PERSISTENT');
    expect(source.get('JMSExpiration')).toBe(1700000060000);
    expect(source.get('JMSRedelivered')).toBe(true);
    expect(source.get('JMSXDeliveryCount')).toBe(2);
    expect(source.get('JMSXGroupID')).toBe('g1');
    expect(source.get('JMSXGroupSeq')).toBe(3);
    expect(source.get('JMSReplyTo')).toBe('/queue/replies');
    expect(source.get('JMSDestination')).toBe('/queue/orders');
    expect([...JMS_HEADER_FIELDS.keys()].every((name) => source.get(name) !== undefined)).toBe(true);
  });

  it('JMS 2.0 §3.4.10 / §3.4.2 / §3.4.9 defaults: priority 4, NON_PERSISTENT, expiration 0, not redelivered', () => {
    const bare = new StompPropertySource(headers({ destination: '/queue/a' }));
    expect(bare.get('JMSPriority')).toBe(4);
    expect(bare.get('JMSDeliveryMode')).toBe('NON_PERSISTENT');
    expect(bare.get('JMSExpiration')).toBe(0);
    expect(bare.get('JMSRedelivered')).toBe(false);
    expect(bare.get('JMSMessageID')).toBeUndefined();
    expect(bare.get('JMSTimestamp')).toBeUndefined();
  });

  it('JMS 2.0 §3.8.1.1 selectors on header fields', () => {
    expect(selects("JMSPriority > 5 AND JMSDeliveryMode = 'PERSISTENT' AND JMSType = 'car'", frame)).toBe(true);
    expect(selects('JMSPriority = 4', { destination: '/queue/a' })).toBe(true);
    expect(selects("JMSCorrelationID LIKE 'corr-%' AND JMSRedelivered AND JMSXDeliveryCount >= 2", frame)).toBe(true);
    expect(selects('JMSMessageID IS NULL', { destination: '/queue/a' })).toBe(true);
    expect(selects('JMSTimestamp > 1600000000000 AND JMSExpiration < 1800000000000', frame)).toBe(true);
  });
});

describe('StompPropertySource: properties', () => {
  it('convert_string_expressions: weight > 10 matches the plain STOMP header weight:12', () => {
    expect(selects('weight > 10', { weight: '12' })).toBe(true);
    expect(selects('weight > 10', { weight: '9' })).toBe(false);
    expect(selects("weight = '12'", { weight: '12' })).toBe(true);
  });

  it('a frame with jms-prop-types is from a JMS producer: an undeclared property is a typed String and weight > 10 is UNKNOWN', () => {
    expect(selects('weight > 10', { weight: '12', [PROPERTY_TYPES_HEADER]: '' })).toBe(false);
    expect(selects('weight > 10 OR weight = 12', { weight: '12', [PROPERTY_TYPES_HEADER]: 'other=int' })).toBe(false);
    expect(selects("weight = '12'", { weight: '12', [PROPERTY_TYPES_HEADER]: '' })).toBe(true);
    const source = new StompPropertySource(headers({ weight: '12', [PROPERTY_TYPES_HEADER]: '' }));
    expect(source.get('weight')).toBe('12');
  });

  it('declared properties are decoded to their JMS type', () => {
    const source = new StompPropertySource(
      headers({ weight: '12', rush: 'true', id: '1152921504606846977', ratio: 'NaN', [PROPERTY_TYPES_HEADER]: 'weight=int,rush=boolean,id=long,ratio=double' }),
    );
    expect(source.get('weight')).toBe(12);
    expect(source.get('rush')).toBe(true);
    expect(source.get('id')).toBe(1152921504606846977n);
    expect(source.get('ratio')).toBeNaN();
    const selector = parseSelector('weight = 12 AND rush AND id = 1152921504606846977 AND id <> 1152921504606846976');
    expect(selector.matches(source)).toBe(true);
  });

  it('the documented example frame: typed int, boolean and long properties next to a String', () => {
    const frame = {
      destination: '/queue/orders', weight: '12', rush: 'true', id: '1152921504606846977', colour: 'red',
      [PROPERTY_TYPES_HEADER]: 'weight=int,rush=boolean,id=long',
    };
    expect(selects("weight > 10 AND rush AND colour = 'red' AND id > 1152921504606846976", frame)).toBe(true);
    expect(parseSelector('colour > 1').evaluate(new StompPropertySource(headers(frame)))).toBeNull();
  });

  it('a declared property whose text is not of its type is NULL', () => {
    const source = new StompPropertySource(headers({ weight: 'heavy', [PROPERTY_TYPES_HEADER]: 'weight=int' }));
    expect(source.get('weight')).toBeNull();
    expect(parseSelector('weight IS NULL').matches(source)).toBe(true);
  });

  it('a malformed jms-prop-types header is ignored and properties read as untyped', () => {
    expect(selects('weight > 10', { weight: '12', [PROPERTY_TYPES_HEADER]: 'weight' })).toBe(true);
  });

  it('an absent property is NULL; inherited object members are not headers', () => {
    const source = new StompPropertySource({ weight: '1' });
    expect(source.get('missing')).toBeUndefined();
    expect(source.get('constructor')).toBeUndefined();
    expect(source.get('toString')).toBeUndefined();
    expect(source.get('__proto__')).toBeUndefined();
  });

  it('an undeclared header of a plain STOMP frame is an UntypedString', () => {
    const value = new StompPropertySource(headers({ colour: 'red' })).get('colour');
    expect(value).toBeInstanceOf(UntypedString);
    expect(String(value)).toBe('red');
  });

  it('one instance serves many messages through reset, and declarations do not leak between them', () => {
    const source = new StompPropertySource();
    const selector = parseSelector('weight > 10');
    const frames = [
      headers({ weight: '12' }),
      headers({ weight: '12', [PROPERTY_TYPES_HEADER]: '' }),
      headers({ weight: '11', [PROPERTY_TYPES_HEADER]: 'weight=int' }),
      headers({ weight: '11', [PROPERTY_TYPES_HEADER]: 'weight=int' }),
      headers({ weight: '5' }),
      headers({}),
      headers({ weight: '13' }),
    ];
    expect(frames.map((f) => selector.matches(source.reset(f)))).toEqual([true, false, true, true, false, false, true]);
  });

  it('several selectors can be evaluated against one reset message', () => {
    const source = new StompPropertySource(headers({ a: '1', b: '2', c: 'x' }));
    const selectors = ['a = 1', 'b = 2 AND a < 3', "c = 'x' AND a + b = 3", 'a = 2'].map(parseSelector);
    expect(selectors.map((s) => s.matches(source))).toEqual([true, true, true, false]);
  });
});
