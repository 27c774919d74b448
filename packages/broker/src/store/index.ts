import { join } from 'node:path';
import type { BrokerConfig } from '@tsmq/config';
import { JournalMessageStore } from './journal/index.js';
import { MemoryMessageStore } from './memory-store.js';
import type { MessageStore } from './message-store.js';
import { SpoolingMessageStore } from './spooling-store.js';
import type { MemoryUsage } from '../core/memory-usage.js';
import type { JournalLogger } from './journal/index.js';

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

/**
 * The store for non-persistent messages. A persistent broker with the journal spools what does not
 * fit in `memory` to a temporary journal in `<dataDirectory>/tmp_storage`, up to
 * `systemUsage.tempLimit` (ActiveMQ's temp store); otherwise (`persistent="false"`, the memory
 * adapter) they stay in memory, where producer flow control bounds them, as in ActiveMQ, which has no
 * temp store then either.
 */
export function createTransientStore(config: BrokerConfig, memory: MemoryUsage, logger?: JournalLogger): MemoryMessageStore {
  // Producers are held at memoryLimit; this cap is only a backstop for the connections that flow
  // control exempts (see StompConnection.waitForMemory).
  const memoryLimitBytes = 2 * config.systemUsage.memoryLimit;
  if (config.persistent && config.persistenceAdapter.kind === 'journal') {
    return new SpoolingMessageStore({
      directory: join(config.dataDirectory, 'tmp_storage'),
      memory,
      tempLimit: config.systemUsage.tempLimit,
      memoryLimitBytes,
      ...(logger ? { logger } : {}),
    });
  }
  return new MemoryMessageStore({ limitBytes: memoryLimitBytes, accounting: memory });
}

export { SpoolingMessageStore, type SpoolingMessageStoreOptions } from './spooling-store.js';
export { MemoryMessageStore, type MemoryAccounting, type MemoryMessageStoreOptions } from './memory-store.js';
export * from './message-store.js';
