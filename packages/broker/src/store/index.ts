import { join } from 'node:path';
import type { BrokerConfig } from '@tsmq/config';
import { JournalMessageStore } from './journal/index.js';
import { MemoryMessageStore } from './memory-store.js';
import type { MessageStore } from './message-store.js';

/**
 * The store for persistent messages that `config` asks for: the journal in
 * `persistenceAdapter.directory` (default `<dataDirectory>/journal`) for a persistent broker with the
 * journal adapter, otherwise an in-memory store (persistent messages then do not survive a restart,
 * as with ActiveMQ's `persistent="false"` or its memory persistence adapter).
 */
export function createMessageStore(config: BrokerConfig): MessageStore {
  const adapter = config.persistenceAdapter;
  if (config.persistent && adapter.kind === 'journal') {
    return new JournalMessageStore({
      directory: adapter.directory ?? join(config.dataDirectory, 'journal'),
      segmentSize: adapter.journalMaxFileLength,
      storeLimit: config.systemUsage.storeLimit > 0 ? config.systemUsage.storeLimit : undefined,
    });
  }
  return new MemoryMessageStore({ limitBytes: config.systemUsage.storeLimit });
}

export { MemoryMessageStore, type MemoryAccounting, type MemoryMessageStoreOptions } from './memory-store.js';
export * from './message-store.js';
