import { describe, expect, it } from 'vitest';
import { brokerXml, load, loadError, warningsAbout } from './helpers.js';

const policies = (entries: string, extra = ''): string =>
  brokerXml(`<destinationPolicy><policyMap>${extra}<policyEntries>${entries}</policyEntries></policyMap></destinationPolicy>`);

describe('<destinationPolicy>', () => {
  it('keeps wildcard patterns and document order, and maps every implemented attribute', () => {
    const { config } = load(
      policies(
        '<policyEntry queue="ORDERS.>" memoryLimit="10 mb" producerFlowControl="false" prioritizedMessages="false" expireMessagesPeriod="0" maxPageSize="50"/>' +
          '<policyEntry topic="PRICES.*.EUR"/>',
      ),
    );
    expect(config.destinationPolicies).toHaveLength(2);
    expect(config.destinationPolicies[0]).toMatchObject({
      queue: 'ORDERS.>',
      memoryLimit: 10 * 1024 * 1024,
      producerFlowControl: false,
      prioritizedMessages: false,
      expireMessagesPeriod: 0,
      maxPageSize: 50,
    });
    expect(config.destinationPolicies[0]!.topic).toBeUndefined();
    // Unset attributes take this broker's defaults.
    expect(config.destinationPolicies[1]).toMatchObject({ topic: 'PRICES.*.EUR', prioritizedMessages: true, maxPageSize: 200, pendingMessageLimit: -1 });
  });

  it('a policyEntry with neither queue nor topic is CONFIG_BAD_VALUE', () => {
    const error = loadError(policies('<policyEntry producerFlowControl="false"/>'), 'CONFIG_BAD_VALUE');
    expect(error.message).toContain('queue=">"');
  });

  it('a policyEntry with both queue and topic is CONFIG_BAD_VALUE', () => {
    loadError(policies('<policyEntry queue=">" topic=">"/>'), 'CONFIG_BAD_VALUE');
  });

  it('optimizedDispatch is accepted with a "no effect" warning; other ActiveMQ attributes with "not implemented"', () => {
    const loaded = load(policies('<policyEntry queue=">" optimizedDispatch="true" queuePrefetch="1" lazyDispatch="true"/>'));
    expect(warningsAbout(loaded, 'optimizedDispatch="true">: no effect')).toHaveLength(1);
    expect(warningsAbout(loaded, 'queuePrefetch="1">: not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, 'lazyDispatch')).toHaveLength(1);
  });

  it('a misspelt policyEntry attribute is an error', () => {
    loadError(policies('<policyEntry queue=">" producerFlowControll="false"/>'), 'CONFIG_UNKNOWN_ATTRIBUTE');
  });

  it('individualDeadLetterStrategy: given attributes, and ActiveMQ defaults for the rest', () => {
    const { config } = load(
      policies(
        '<policyEntry queue=">"><deadLetterStrategy><individualDeadLetterStrategy queuePrefix="DLQ." useQueueForTopicMessages="false" processNonPersistent="true"/></deadLetterStrategy></policyEntry>',
      ),
    );
    expect(config.destinationPolicies[0]!.deadLetterStrategy).toEqual({
      kind: 'individual',
      queuePrefix: 'DLQ.',
      topicPrefix: 'ActiveMQ.DLQ.Topic.',
      useQueueForQueueMessages: true,
      useQueueForTopicMessages: false,
      processExpired: true,
      processNonPersistent: true,
    });
  });

  it('sharedDeadLetterStrategy with its own dead-letter queue', () => {
    const { config } = load(
      policies(
        '<policyEntry queue=">"><deadLetterStrategy><sharedDeadLetterStrategy processExpired="false"><deadLetterQueue><queue physicalName="ALL.DLQ"/></deadLetterQueue></sharedDeadLetterStrategy></deadLetterStrategy></policyEntry>',
      ),
    );
    expect(config.destinationPolicies[0]!.deadLetterStrategy).toEqual({
      kind: 'shared',
      queue: 'ALL.DLQ',
      processExpired: false,
      processNonPersistent: false,
    });
  });

  it('<discarding/> drops dead letters', () => {
    const { config } = load(policies('<policyEntry topic=">"><deadLetterStrategy><discarding/></deadLetterStrategy></policyEntry>'));
    expect(config.destinationPolicies[0]!.deadLetterStrategy).toEqual({ kind: 'discarding' });
  });

  it('constantPendingMessageLimitStrategy sets the pending message limit', () => {
    const { config } = load(
      policies('<policyEntry topic=">"><pendingMessageLimitStrategy><constantPendingMessageLimitStrategy limit="1000"/></pendingMessageLimitStrategy></policyEntry>'),
    );
    expect(config.destinationPolicies[0]!.pendingMessageLimit).toBe(1000);
  });

  it('the property-then-bean form <policyMap><policyMap> is read the same', () => {
    const { config } = load(
      brokerXml('<destinationPolicy><policyMap><policyMap><policyEntries><policyEntry queue="A.>" maxPageSize="7"/></policyEntries></policyMap></policyMap></destinationPolicy>'),
    );
    expect(config.destinationPolicies).toEqual([expect.objectContaining({ queue: 'A.>', maxPageSize: 7 })]);
  });

  it('<defaultEntry> becomes the default policy', () => {
    const { config } = load(policies('', '<defaultEntry><policyEntry producerFlowControl="false" maxPageSize="10"/></defaultEntry>'));
    expect(config.defaultPolicy).toMatchObject({ producerFlowControl: false, maxPageSize: 10, prioritizedMessages: true });
    expect(config.destinationPolicies).toEqual([]);
  });

  it('unimplemented children such as <pendingQueuePolicy> are warnings', () => {
    const loaded = load(policies('<policyEntry queue=">"><pendingQueuePolicy><vmQueueCursor/></pendingQueuePolicy></policyEntry>'));
    expect(warningsAbout(loaded, '<pendingQueuePolicy>: not implemented')).toHaveLength(1);
  });
});
