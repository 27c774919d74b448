import { describe, expect, it } from 'vitest';
import { brokerXml, load, loadError, positionOf } from './helpers.js';

const named = brokerXml('', 'brokerName="${broker.name}"');

describe('${name} placeholders', () => {
  it('a -D property beats the environment', () => {
    const { config } = load(named, { properties: { 'broker.name': 'from-property' }, env: { 'broker.name': 'from-env' } });
    expect(config.brokerName).toBe('from-property');
  });

  it('the environment is used when no property is given', () => {
    expect(load(named, { env: { 'broker.name': 'from-env' } }).config.brokerName).toBe('from-env');
  });

  it('built-in defaults fill activemq.data and activemq.conf, and lose to properties and the environment', () => {
    const xml = brokerXml(
      '<persistenceAdapter><kahaDB directory="${activemq.conf}/store"/></persistenceAdapter>',
      'dataDirectory="${activemq.data}"',
    );
    expect(load(xml).config.dataDirectory).toBe('data');
    expect(load(xml).config.persistenceAdapter).toMatchObject({ kind: 'journal', directory: './store' });
    expect(load(xml, { env: { 'activemq.data': '/var/lib/mq' } }).config.dataDirectory).toBe('/var/lib/mq');
    expect(load(xml, { properties: { 'activemq.data': 'elsewhere' }, env: { 'activemq.data': '/var/lib/mq' } }).config.dataDirectory).toBe(
      'elsewhere',
    );
  });

  it('several placeholders and literal text combine in one value', () => {
    const xml = brokerXml('', 'brokerName="${site}-${node}-broker"');
    expect(load(xml, { properties: { site: 'eu', node: '7' } }).config.brokerName).toBe('eu-7-broker');
  });

  it("Spring's ${name:fallback} uses the fallback only when name has no value", () => {
    const xml = brokerXml('', 'brokerName="${broker.name:fallback}"');
    expect(load(xml).config.brokerName).toBe('fallback');
    expect(load(xml, { properties: { 'broker.name': 'given' } }).config.brokerName).toBe('given');
  });

  it('an unresolved placeholder is CONFIG_UNRESOLVED_PLACEHOLDER naming it, the attribute and the place', () => {
    const error = loadError(named, 'CONFIG_UNRESOLVED_PLACEHOLDER');
    const { line, column } = positionOf(named, 'brokerName=');
    expect(error).toMatchObject({ line, column, attribute: 'brokerName', elementPath: 'beans > broker' });
    expect(error.message).toContain('${broker.name}');
    expect(error.message).toContain('-Dbroker.name=');
  });

  it('placeholders inside elements that are ignored need no value', () => {
    const xml = brokerXml('<managementContext><managementContext connectorPort="${jmx.port}"/></managementContext>');
    expect(() => load(xml)).not.toThrow();
  });
});
