import { describe, expect, it } from 'vitest';
import { MemoryMessageStore } from '../../src/store/memory-store.js';
import { queueContainer, StoreError } from '../../src/store/message-store.js';
import { describeMessageStoreConformance, sampleMessage } from './conformance.js';

describeMessageStoreConformance('MemoryMessageStore', async () => ({ store: new MemoryMessageStore() }));

describe('MemoryMessageStore.writeNow', () => {
  const Q = queueContainer('orders');
  const add = (seq: number) => ({ op: 'add' as const, container: Q, message: sampleMessage(seq, { body: new Uint8Array(100), persistent: false }) });

  it('applies a batch at once: count and load see it without awaiting', async () => {
    const store = new MemoryMessageStore();
    await store.open();
    expect(store.writeNow([add(1), add(2)])).toBe(true);
    expect(store.count(Q)).toBe(2);
    expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('over its limit throws STORE_FULL and applies none of the batch, as write() rejects', async () => {
    const store = new MemoryMessageStore({ limitBytes: 400 });
    await store.open();
    expect(store.writeNow([add(1)])).toBe(true);
    let error: unknown;
    try {
      store.writeNow([add(2), add(3), add(4), add(5)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_FULL');
    expect(store.count(Q)).toBe(1);
    await expect(store.write([add(2), add(3), add(4), add(5)])).rejects.toMatchObject({ code: 'STORE_FULL' });
  });
});
