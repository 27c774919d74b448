import { describe, expect, it } from 'vitest';
import { ConfigError, parseSize } from '@tsmq/config';
import { brokerXml, load, loadError, positionOf } from './helpers.js';

describe('parseSize', () => {
  it.each([
    ['1024', 1024],
    ['0', 0],
    ['512 b', 512],
    ['64 kb', 64 * 1024],
    ['100 mb', 100 * 1024 ** 2],
    ['1 gb', 1024 ** 3],
    ['2gb', 2 * 1024 ** 3],
    ['2 TB', 2 * 1024 ** 4],
    ['  64MB  ', 64 * 1024 ** 2],
    ['10m', 10 * 1024 ** 2],
    ['104857600', 104857600],
  ])('ActiveMQ size "%s" is %i bytes (powers of 1024)', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['10 parsecs', '', 'mb', '-1 mb', '1,5 gb', 'ten'])('"%s" is CONFIG_BAD_VALUE naming the valid units', (text) => {
    expect(() => parseSize(text)).toThrow(ConfigError);
    try {
      parseSize(text);
    } catch (error) {
      expect((error as ConfigError).code).toBe('CONFIG_BAD_VALUE');
      expect((error as ConfigError).message).toContain('expected a number with an optional unit b, kb, mb, gb, tb');
    }
  });

  it('a bad size in the file is reported at its attribute, with the element path', () => {
    const xml = brokerXml(`    <systemUsage>
      <systemUsage>
        <storeUsage>
          <storeUsage limit="10 parsecs"/>
        </storeUsage>
      </systemUsage>
    </systemUsage>`);
    const error = loadError(xml, 'CONFIG_BAD_VALUE', { fileName: 'activemq.xml' });
    const { line, column } = positionOf(xml, 'limit="10 parsecs"');
    expect(error).toMatchObject({
      line,
      column,
      attribute: 'limit',
      elementPath: 'beans > broker > systemUsage > systemUsage > storeUsage > storeUsage',
    });
    expect(error.message).toBe(
      `activemq.xml:${line}:${column}: <storeUsage limit="10 parsecs">: bad size; expected a number with an optional unit b, kb, mb, gb, tb`,
    );
  });

  it('sizes in the file accept the same spellings', () => {
    const xml = brokerXml(`    <systemUsage><systemUsage>
      <memoryUsage><memoryUsage limit="128 MB"/></memoryUsage>
      <tempUsage><tempUsage limit="1gb"/></tempUsage>
    </systemUsage></systemUsage>`);
    const { config } = load(xml);
    expect(config.systemUsage.memoryLimit).toBe(128 * 1024 ** 2);
    expect(config.systemUsage.tempLimit).toBe(1024 ** 3);
  });
});
