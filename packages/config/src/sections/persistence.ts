import type { ConfigReader } from '../reader.js';
import type { PersistenceAdapterConfig } from '../types.js';
import type { XmlElement } from '../xml/document.js';

const KAHADB_UNIMPLEMENTED = [
  'archiveCorruptedIndex', 'archiveDataLogs', 'checkForCorruptJournalFiles', 'checkpointInterval', 'checksumJournalFiles',
  'cleanupInterval', 'cleanupOnStop', 'compactAcksAfterNoGC', 'compactAcksIgnoresStoreGrowth', 'concurrentStoreAndDispatchQueues',
  'concurrentStoreAndDispatchTopics', 'directoryArchive', 'enableAckCompaction', 'enableIndexDiskSyncs', 'enableIndexPageCaching',
  'enableIndexRecoveryFile', 'enableIndexWriteAsync', 'enableJournalDiskSyncs', 'enableSubscriptionStatistics', 'failoverProducersAuditDepth',
  'forceRecoverIndex', 'ignoreMissingJournalfiles', 'indexCacheSize', 'indexDirectory', 'indexLFUEvictionFactor', 'indexWriteBatchSize',
  'journalDiskSyncInterval', 'journalDiskSyncStrategy', 'journalMaxWriteBatchSize', 'lockKeepAlivePeriod', 'maxAsyncJobs',
  'maxFailoverProducersToTrack', 'preallocationScope', 'preallocationStrategy', 'purgeRecoveredXATransactionStrategy', 'useIndexLFRUEviction',
  'useLock', 'brokerName', 'brokerService', 'usageManager', 'locker', 'scheduledThreadPoolExecutor', 'transactionIdTransformer',
];

const OTHER_ADAPTERS = [
  'mKahaDB',
  'levelDB',
  'replicatedLevelDB',
  'jdbcPersistenceAdapter',
  'kahaPersistenceAdapter',
  'amqPersistenceAdapter',
  'journalPersistenceAdapter',
  'journaledJDBC',
];

/** `<persistenceAdapter>`: `<kahaDB>` becomes the journal store, `<memoryPersistenceAdapter>` the in-memory one. */
export function readPersistenceAdapter(reader: ConfigReader, element: XmlElement): Partial<PersistenceAdapterConfig> | undefined {
  let adapter: Partial<PersistenceAdapterConfig> | undefined;
  reader.checkAttributes(element, { implemented: [] });
  reader.readChildren(element, {
    kahaDB: (kahaDB) => {
      reader.checkAttributes(kahaDB, { implemented: ['directory', 'journalMaxFileLength'], unimplemented: KAHADB_UNIMPLEMENTED });
      reader.readChildren(kahaDB, {}, ['locker', 'usageManager', 'brokerService', 'scheduledThreadPoolExecutor', 'transactionIdTransformer']);
      const journal: Partial<PersistenceAdapterConfig> & { kind: 'journal' } = { kind: 'journal' };
      const directory = reader.string(kahaDB, 'directory');
      if (directory !== undefined && directory.trim() !== '') journal.directory = directory.trim();
      const journalMaxFileLength = reader.size(kahaDB, 'journalMaxFileLength');
      if (journalMaxFileLength !== undefined) {
        if (journalMaxFileLength < 1024 * 1024) {
          throw reader.error('CONFIG_BAD_VALUE', kahaDB, 'journal files must be at least 1 mb', 'journalMaxFileLength');
        }
        journal.journalMaxFileLength = journalMaxFileLength;
      }
      adapter = journal;
    },
    memoryPersistenceAdapter: (memory) => {
      reader.checkAttributes(memory, { implemented: [], unimplemented: ['createTransactionStore', 'brokerName', 'directory', 'usageManager'] });
      reader.readChildren(memory, {});
      adapter = { kind: 'memory' };
    },
    ...Object.fromEntries(
      OTHER_ADAPTERS.map((name) => [
        name,
        (other: XmlElement) => reader.warn(other, 'persistence adapter not implemented; the journal store is used instead'),
      ]),
    ),
  });
  return adapter;
}
