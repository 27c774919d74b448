import { MemoryMessageStore } from '../../src/store/memory-store.js';
import { describeMessageStoreConformance } from './conformance.js';

describeMessageStoreConformance('MemoryMessageStore', async () => ({ store: new MemoryMessageStore() }));
