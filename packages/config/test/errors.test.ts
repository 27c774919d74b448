import { describe, expect, it } from 'vitest';
import { brokerXml, load, loadError, positionOf, warningsAbout } from './helpers.js';

describe('malformed XML and unknown content', () => {
  it('malformed XML is CONFIG_MALFORMED with the line of the problem', () => {
    const xml = ['<beans>', '  <broker brokerName="a">', '    <systemUsage>', '  </broker>', '</beans>'].join('\n');
    const error = loadError(xml, 'CONFIG_MALFORMED', { fileName: 'broken.xml' });
    expect(error.line).toBe(4);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^broken\.xml:4:\d+: malformed XML: /);
  });

  it('an unclosed attribute quote is CONFIG_MALFORMED', () => {
    loadError('<broker brokerName="a></broker>', 'CONFIG_MALFORMED');
  });

  it('an unknown attribute in <memoryUsage> gives its line and column and lists the valid ones', () => {
    const xml = brokerXml(`    <systemUsage>
      <systemUsage>
        <memoryUsage>
          <memoryUsage percentOfJvmHeap="70" limitt="64 mb"/>
        </memoryUsage>
      </systemUsage>
    </systemUsage>`);
    const error = loadError(xml, 'CONFIG_UNKNOWN_ATTRIBUTE', { fileName: 'activemq.xml' });
    const { line, column } = positionOf(xml, 'limitt=');
    expect(error).toMatchObject({
      line,
      column,
      attribute: 'limitt',
      file: 'activemq.xml',
      elementPath: 'beans > broker > systemUsage > systemUsage > memoryUsage > memoryUsage',
    });
    expect(error.message).toBe(
      `activemq.xml:${line}:${column}: <memoryUsage limitt="64 mb">: unknown attribute; valid here: limit, percentOfJvmHeap`,
    );
  });

  it('positions count lines the same with CRLF line endings', () => {
    const xml = brokerXml('<systemUsage><systemUsage>\n<tempUsage><tempUsage limt="1 gb"/></tempUsage>\n</systemUsage></systemUsage>');
    const error = loadError(xml.replace(/\n/g, '\r\n'), 'CONFIG_UNKNOWN_ATTRIBUTE');
    expect({ line: error.line, column: error.column }).toEqual(positionOf(xml, 'limt='));
  });

  it('an attribute after a value holding ">" is still located exactly', () => {
    const xml = brokerXml('<destinationPolicy><policyMap><policyEntries>\n  <policyEntry queue=">" memoryLimit="lots"/>\n</policyEntries></policyMap></destinationPolicy>');
    const error = loadError(xml, 'CONFIG_BAD_VALUE');
    expect({ line: error.line, column: error.column }).toEqual(positionOf(xml, 'memoryLimit='));
  });

  it('an unknown element inside an implemented one is CONFIG_UNKNOWN_ELEMENT naming what is expected', () => {
    const xml = brokerXml('<transportConnectors><transportConector uri="stomp://0.0.0.0:0"/></transportConnectors>');
    const error = loadError(xml, 'CONFIG_UNKNOWN_ELEMENT');
    expect(error.elementPath).toBe('beans > broker > transportConnectors > transportConector');
    expect({ line: error.line, column: error.column }).toEqual(positionOf(xml, '<transportConector'));
    expect(error.message).toContain('expected <transportConnector>');
  });

  it('an unknown child of <broker> is an error, an unimplemented ActiveMQ one is a single warning', () => {
    loadError(brokerXml('<systemUsag/>'), 'CONFIG_UNKNOWN_ELEMENT');
    const loaded = load(
      brokerXml('<networkConnectors><networkConnector uri="static:(tcp://other:61616)"/></networkConnectors><destinations><queue physicalName="A"/></destinations>'),
    );
    expect(warningsAbout(loaded, '<networkConnectors>: not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, '<destinations>: not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, 'networkConnector ')).toHaveLength(0);
  });

  it('an unknown attribute on <broker> is an error; a known ActiveMQ one is a warning', () => {
    loadError(brokerXml('', 'brokerNam="x"'), 'CONFIG_UNKNOWN_ATTRIBUTE');
    const loaded = load(brokerXml('', 'useVirtualTopics="true" deleteAllMessagesOnStartup="false"'));
    expect(warningsAbout(loaded, 'useVirtualTopics="true">: not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, 'deleteAllMessagesOnStartup')).toHaveLength(1);
  });

  it('a root other than <beans> or <broker> is CONFIG_UNKNOWN_ELEMENT', () => {
    loadError('<configuration/>', 'CONFIG_UNKNOWN_ELEMENT');
  });

  it('<beans> without a <broker> is CONFIG_MALFORMED', () => {
    loadError('<beans><bean class="x.Y"/></beans>', 'CONFIG_MALFORMED');
  });

  it('two <broker> elements are refused', () => {
    loadError('<beans><broker/><broker/></beans>', 'CONFIG_BAD_VALUE');
  });

  it('a bad boolean names the valid values', () => {
    const error = loadError(brokerXml('', 'persistent="yes"'), 'CONFIG_BAD_VALUE');
    expect(error.attribute).toBe('persistent');
    expect(error.message).toContain('expected true or false');
  });

  it('a bad number names the valid range', () => {
    const xml = brokerXml('<destinationPolicy><policyMap><policyEntries><policyEntry queue=">" maxPageSize="0"/></policyEntries></policyMap></destinationPolicy>');
    const error = loadError(xml, 'CONFIG_BAD_VALUE');
    expect(error.attribute).toBe('maxPageSize');
    expect(error.message).toContain('expected a whole number 1 or more');
  });

  it('a bare <broker> root and namespace-prefixed element names are read', () => {
    const bare = load('<broker xmlns="http://activemq.apache.org/schema/core" brokerName="bare"/>');
    expect(bare.config.brokerName).toBe('bare');
    const prefixed = load(
      '<beans xmlns:amq="http://activemq.apache.org/schema/core"><amq:broker brokerName="prefixed"><amq:transportConnectors>' +
        '<amq:transportConnector name="s" uri="stomp://127.0.0.1:0"/></amq:transportConnectors></amq:broker></beans>',
    );
    expect(prefixed.config.brokerName).toBe('prefixed');
    expect(prefixed.config.transportConnectors).toHaveLength(1);
    expect(prefixed.config.transportConnectors[0]).toMatchObject({ name: 's', host: '127.0.0.1', port: 0 });
  });

  it('Spring beans and imports around the broker are warnings', () => {
    const loaded = load(
      '<beans><bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer"/><broker/><import resource="jetty.xml"/></beans>',
    );
    expect(warningsAbout(loaded, 'properties files are not read')).toHaveLength(1);
    expect(warningsAbout(loaded, '<import resource="jetty.xml">')).toHaveLength(1);
  });

  it('warnings come in file order', () => {
    const loaded = load('<beans><bean class="a.B"/><broker useJmx="false"><managementContext/></broker><import resource="x.xml"/></beans>');
    const lines = loaded.warnings.map((w) => w.line * 1000 + w.column);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(loaded.warnings).toHaveLength(4);
  });
});
