/**
 * The journal: the broker's embedded persistent message store.
 * @packageDocumentation
 */
export { JournalMessageStore, DEFAULT_SEGMENT_SIZE, LAZY_COMMIT_MS } from './journal-store.js';
export type { JournalMessageStoreOptions, JournalStats, JournalLogger } from './journal-store.js';
