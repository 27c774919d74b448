/**
 * The tsmq STOMP broker: embed it with {@link Broker}, or run `tsmq-broker` (see the CLI).
 * @packageDocumentation
 */
export { Broker, type BoundAddress, type BrokerOptions, type BrokerStats } from './broker.js';
export type { DestinationStats } from './core/destination.js';
export type { DestinationKind, DestinationName } from './core/destination-name.js';
export { STATISTICS_PREFIX, type StoreCounters, type SystemUsageStats, type UsageFigure } from './metrics/statistics.js';
export { allowEverything, createAuthorizer, destinationUrl, EVERYONE_GROUP, type Authorizer, type DestinationOperation } from './security/authorization.js';
export { BrokerStartError, StompProtocolError, type BrokerErrorCode, type ProtocolErrorCode } from './errors.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export {
  acceptAnyone,
  simpleAuthenticator,
  type Authenticator,
  type Credentials,
  type Principal,
} from './protocol/authenticator.js';
export { DEFAULT_PREFETCH, SERVER_NAME } from './protocol/stomp-connection.js';
export { createMessageStore } from './store/index.js';
export { JournalMessageStore, DEFAULT_SEGMENT_SIZE, LAZY_COMMIT_MS, type JournalLogger, type JournalMessageStoreOptions, type JournalStats } from './store/journal/index.js';
export { MemoryMessageStore, type MemoryAccounting, type MemoryMessageStoreOptions } from './store/memory-store.js';
export {
  durableContainer,
  queueContainer,
  StoreError,
  type CursorMemory,
  type DurableSubscriptionRecord,
  type MessageStore,
  type StoredMessage,
  type StoreOp,
  type StoreRecovery,
  type StoreUsage,
} from './store/message-store.js';
export { defaultBrokerConfig, resolveBrokerConfig, type BrokerConfig, type BrokerConfigInput } from '@tsmq/config';
