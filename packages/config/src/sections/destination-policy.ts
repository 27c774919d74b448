import type { ConfigReader } from '../reader.js';
import type { DeadLetterStrategy, PolicyEntry } from '../types.js';
import type { XmlElement } from '../xml/document.js';

/** What `<destinationPolicy>` sets: per-destination entries and the optional `<defaultEntry>`. */
export interface DestinationPolicies {
  entries: Partial<PolicyEntry>[];
  defaultEntry?: Partial<PolicyEntry>;
}

// Attributes of ActiveMQ's PolicyEntry that this broker accepts and ignores.
const POLICY_ENTRY_UNIMPLEMENTED: Readonly<Record<string, string>> = {
  optimizedDispatch: 'no effect here: dispatch is always done on the I/O thread',
  advisoryForConsumed: '', advisoryForDelivery: '', advisoryForDiscardingMessages: '', advisoryForFastProducers: '',
  advisoryForSlowConsumers: '', advisoryWhenFull: '', sendAdvisoryIfNoConsumers: '', includeBodyForAdvisory: '',
  allConsumersExclusiveByDefault: '', alwaysRetroactive: '', blockedProducerWarningInterval: '',
  consumersBeforeDispatchStarts: '', timeBeforeDispatchStarts: '', cursorMemoryHighWaterMark: '',
  storeUsageHighWaterMark: '', doOptimzeMessageStorage: '', optimizeMessageStoreInFlightLimit: '',
  durableTopicPrefetch: '', queuePrefetch: '', queueBrowserPrefetch: '', topicPrefetch: '', enableAudit: '',
  maxAuditDepth: '', maxProducersToAudit: '', maxQueueAuditDepth: '', gcInactiveDestinations: '',
  gcWithNetworkConsumers: '', inactiveTimeoutBeforeGC: '', inactiveTimoutBeforeGC: '', lazyDispatch: '',
  maxBrowsePageSize: '', maxExpirePageSize: '', minimumMessageSize: '', persistJMSRedelivered: '',
  reduceMemoryFootprint: '', strictOrderDispatch: '', useCache: '', useConsumerPriority: '',
  usePrefetchExtension: '', useTopicSubscriptionInflightStats: '', sendDuplicateFromStoreToDLQ: '',
  sendFailIfNoSpace: '', sendFailIfNoSpaceAfterTimeout: '', messageGroupMapFactoryType: '', tempQueue: '',
  tempTopic: '', advisoryForSlowConsumer: '', expireMessagesPeriodCheck: '', slowConsumerStrategy: '',
  dispatchPolicy: '', subscriptionRecoveryPolicy: '', messageEvictionStrategy: '', networkBridgeFilterFactory: '',
  pendingQueuePolicy: '', pendingSubscriberPolicy: '', pendingDurableSubscriberPolicy: '',
};

const POLICY_ENTRY_CHILDREN_UNIMPLEMENTED = [
  'dispatchPolicy',
  'subscriptionRecoveryPolicy',
  'messageEvictionStrategy',
  'slowConsumerStrategy',
  'messageGroupMapFactory',
  'networkBridgeFilterFactory',
  'pendingQueuePolicy',
  'pendingSubscriberPolicy',
  'pendingDurableSubscriberPolicy',
  'destination',
];

const DLQ_AUDIT_UNIMPLEMENTED = ['enableAudit', 'maxProducersToAudit', 'maxAuditDepth', 'expiration', 'sendToDeadLetterQueue'];

/** `<destinationPolicy><policyMap><policyEntries><policyEntry .../>...`. */
export function readDestinationPolicy(reader: ConfigReader, element: XmlElement): DestinationPolicies {
  const result: DestinationPolicies = { entries: [] };
  reader.checkAttributes(element, { implemented: [] });
  const readPolicyMap = (map: XmlElement): void => {
    reader.checkAttributes(map, { implemented: [] });
    reader.readChildren(map, {
      // Both the XBean form (policyMap > policyEntries) and the property-then-bean form (policyMap > policyMap) occur.
      policyMap: readPolicyMap,
      policyEntries: (list) => {
        reader.checkAttributes(list, { implemented: [] });
        reader.readChildren(list, { policyEntry: (entry) => result.entries.push(readPolicyEntry(reader, entry, true)) });
      },
      defaultEntry: (holder) => {
        reader.checkAttributes(holder, { implemented: [] });
        reader.readChildren(holder, { policyEntry: (entry) => (result.defaultEntry = readPolicyEntry(reader, entry, false)) });
      },
    });
  };
  reader.readChildren(element, { policyMap: readPolicyMap });
  return result;
}

function readPolicyEntry(reader: ConfigReader, element: XmlElement, needsDestination: boolean): Partial<PolicyEntry> {
  reader.checkAttributes(element, {
    implemented: ['queue', 'topic', 'memoryLimit', 'producerFlowControl', 'prioritizedMessages', 'expireMessagesPeriod', 'maxPageSize'],
    unimplemented: POLICY_ENTRY_UNIMPLEMENTED,
  });
  const entry: Partial<PolicyEntry> = {};
  const queue = reader.string(element, 'queue');
  const topic = reader.string(element, 'topic');
  if (queue !== undefined && topic !== undefined) {
    throw reader.error('CONFIG_BAD_VALUE', element, 'a policyEntry applies to queues or topics: give queue or topic, not both', 'topic');
  }
  if (needsDestination && queue === undefined && topic === undefined) {
    throw reader.error('CONFIG_BAD_VALUE', element, 'missing destination; give queue=">" or topic=">" (wildcards . * > allowed)');
  }
  if (!needsDestination && (queue !== undefined || topic !== undefined)) {
    reader.warn(element, 'the default entry applies to every destination; its destination is ignored', queue !== undefined ? 'queue' : 'topic');
  } else if (queue !== undefined) {
    entry.queue = nonEmptyPattern(reader, element, 'queue', queue);
  } else if (topic !== undefined) {
    entry.topic = nonEmptyPattern(reader, element, 'topic', topic);
  }
  const memoryLimit = reader.size(element, 'memoryLimit');
  if (memoryLimit !== undefined) entry.memoryLimit = memoryLimit;
  const producerFlowControl = reader.bool(element, 'producerFlowControl');
  if (producerFlowControl !== undefined) entry.producerFlowControl = producerFlowControl;
  const prioritizedMessages = reader.bool(element, 'prioritizedMessages');
  if (prioritizedMessages !== undefined) entry.prioritizedMessages = prioritizedMessages;
  const expireMessagesPeriod = reader.integer(element, 'expireMessagesPeriod', 0);
  if (expireMessagesPeriod !== undefined) entry.expireMessagesPeriod = expireMessagesPeriod;
  const maxPageSize = reader.integer(element, 'maxPageSize', 1);
  if (maxPageSize !== undefined) entry.maxPageSize = maxPageSize;

  reader.readChildren(
    element,
    {
      deadLetterStrategy: (holder) => {
        reader.checkAttributes(holder, { implemented: [] });
        reader.readChildren(holder, {
          individualDeadLetterStrategy: (s) => (entry.deadLetterStrategy = readIndividual(reader, s)),
          sharedDeadLetterStrategy: (s) => (entry.deadLetterStrategy = readShared(reader, s)),
          discarding: (s) => {
            reader.checkAttributes(s, { implemented: [], unimplemented: ['processExpired', 'processNonPersistent', ...DLQ_AUDIT_UNIMPLEMENTED] });
            entry.deadLetterStrategy = { kind: 'discarding' };
          },
        });
      },
      pendingMessageLimitStrategy: (holder) => {
        reader.checkAttributes(holder, { implemented: [] });
        reader.readChildren(
          holder,
          {
            constantPendingMessageLimitStrategy: (s) => {
              reader.checkAttributes(s, { implemented: ['limit'] });
              const limit = reader.integer(s, 'limit', -1);
              if (limit !== undefined) entry.pendingMessageLimit = limit;
            },
          },
          ['prefetchRatePendingMessageLimitStrategy'],
        );
      },
    },
    POLICY_ENTRY_CHILDREN_UNIMPLEMENTED,
  );
  return entry;
}

function nonEmptyPattern(reader: ConfigReader, element: XmlElement, attribute: string, value: string): string {
  const pattern = value.trim();
  if (pattern === '') throw reader.error('CONFIG_BAD_VALUE', element, 'empty destination pattern; use ">" for all', attribute);
  return pattern;
}

function readIndividual(reader: ConfigReader, element: XmlElement): DeadLetterStrategy {
  reader.checkAttributes(element, {
    implemented: ['queuePrefix', 'topicPrefix', 'useQueueForQueueMessages', 'useQueueForTopicMessages', 'processExpired', 'processNonPersistent'],
    unimplemented: ['queueSuffix', 'topicSuffix', 'destinationPerDurableSubscriber', ...DLQ_AUDIT_UNIMPLEMENTED],
  });
  reader.readChildren(element, {});
  // ActiveMQ's own defaults, so a file that sets only one attribute behaves as it did there.
  return {
    kind: 'individual',
    queuePrefix: reader.string(element, 'queuePrefix') ?? 'ActiveMQ.DLQ.Queue.',
    topicPrefix: reader.string(element, 'topicPrefix') ?? 'ActiveMQ.DLQ.Topic.',
    useQueueForQueueMessages: reader.bool(element, 'useQueueForQueueMessages') ?? true,
    useQueueForTopicMessages: reader.bool(element, 'useQueueForTopicMessages') ?? true,
    processExpired: reader.bool(element, 'processExpired') ?? true,
    processNonPersistent: reader.bool(element, 'processNonPersistent') ?? false,
  };
}

function readShared(reader: ConfigReader, element: XmlElement): DeadLetterStrategy {
  reader.checkAttributes(element, { implemented: ['processExpired', 'processNonPersistent'], unimplemented: DLQ_AUDIT_UNIMPLEMENTED });
  let queue = 'ActiveMQ.DLQ';
  reader.readChildren(element, {
    deadLetterQueue: (holder) => {
      reader.checkAttributes(holder, { implemented: [] });
      reader.readChildren(holder, {
        queue: (q) => {
          reader.checkAttributes(q, { implemented: ['physicalName'] });
          queue = nonEmptyPattern(reader, q, 'physicalName', reader.requiredString(q, 'physicalName'));
        },
      });
    },
  });
  return {
    kind: 'shared',
    queue,
    processExpired: reader.bool(element, 'processExpired') ?? true,
    processNonPersistent: reader.bool(element, 'processNonPersistent') ?? false,
  };
}
