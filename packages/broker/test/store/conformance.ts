import { afterEach, describe, expect, it } from 'vitest';
import {
  durableContainer,
  queueContainer,
  StoreError,
  type DurableSubscriptionRecord,
  type MessageStore,
  type StoredMessage,
} from '../../src/store/message-store.js';

/** What a conformance factory hands out: a store not yet opened, and optionally a way to open its data again. */
export interface StoreUnderTest {
  store: MessageStore;
  /**
   * A new, not yet opened store on the same data (called after `store` was closed). Absent for stores
   * that keep nothing across instances.
   */
  reopen?: () => Promise<MessageStore>;
}

/** A message with every field set to something other than its default, so a lost field shows. */
export function sampleMessage(seq: number, overrides: Partial<StoredMessage> = {}): StoredMessage {
  const headers = Object.create(null) as Record<string, string>;
  headers['content-type'] = 'text/plain';
  headers['x-order'] = `order-${seq}`;
  headers['x-unicode'] = 'Grüße, 世界';
  return {
    seq,
    messageId: `ID:test-${seq}`,
    destination: '/queue/orders',
    headers,
    body: new TextEncoder().encode(`body of message ${seq}`),
    persistent: true,
    priority: seq % 10,
    expires: 1_900_000_000_000 + seq,
    deliverAt: 0,
    redeliveryCount: 0,
    ...overrides,
  };
}

/** The fields a consumer sees, with the body as plain bytes, for deep comparison. */
function view(m: StoredMessage): unknown {
  return { ...m, headers: { ...m.headers }, body: Array.from(m.body) };
}

const Q = queueContainer('orders');
const Q2 = queueContainer('invoices');
const sub: DurableSubscriptionRecord = { clientId: 'app-1', name: 'prices', destination: '/topic/prices.>', selector: "symbol = 'IBM'", noLocal: true };
const SUB = durableContainer(sub.clientId, sub.name);

/**
 * The behaviour every {@link MessageStore} must have. `factory` is called once per test and returns
 * a store that is not yet opened; the suite opens and closes it.
 */
export function describeMessageStoreConformance(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`MessageStore conformance: ${name}`, () => {
    const open: MessageStore[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
    });

    async function start(): Promise<{ store: MessageStore; reopen?: () => Promise<MessageStore> }> {
      const t = await factory();
      await t.store.open();
      open.push(t.store);
      return t;
    }

    /** Closes `store` and opens its data again; undefined for stores without reopen. */
    async function restart(t: StoreUnderTest): Promise<{ store: MessageStore; recovery: Awaited<ReturnType<MessageStore['open']>> } | undefined> {
      if (!t.reopen) return undefined;
      await t.store.close();
      const store = await t.reopen();
      const recovery = await store.open();
      open.push(store);
      return { store, recovery };
    }

    it('an empty store has no messages, uses nothing and loads nothing', async () => {
      const { store } = await start();
      expect(store.usage().bytes).toBe(0);
      expect(store.count(Q)).toBe(0);
      expect(await store.load(Q, 0, 10)).toEqual([]);
    });

    it('loads messages back in seq order with every field intact', async () => {
      const { store } = await start();
      const msgs = [1, 2, 3, 4, 5].map((s) => sampleMessage(s));
      for (const m of msgs) await store.write([{ op: 'add', container: Q, message: m }]);
      const loaded = await store.load(Q, 0, 100);
      expect(loaded.map(view)).toEqual(msgs.map(view));
      expect(store.count(Q)).toBe(5);
    });

    it('orders by seq even when messages arrive out of seq order (a message moved from another container)', async () => {
      const { store } = await start();
      await store.write([{ op: 'add', container: Q, message: sampleMessage(10) }]);
      await store.write([{ op: 'add', container: Q, message: sampleMessage(4) }]);
      await store.write([{ op: 'add', container: Q, message: sampleMessage(12) }]);
      await store.write([{ op: 'add', container: Q, message: sampleMessage(7) }]);
      expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([4, 7, 10, 12]);
    });

    it('pages with afterSeq and max', async () => {
      const { store } = await start();
      await store.write(Array.from({ length: 20 }, (_, i) => ({ op: 'add' as const, container: Q, message: sampleMessage(i + 1) })));
      expect((await store.load(Q, 0, 5)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.load(Q, 5, 5)).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10]);
      expect((await store.load(Q, 18, 5)).map((m) => m.seq)).toEqual([19, 20]);
      expect(await store.load(Q, 20, 5)).toEqual([]);
      expect(await store.load(Q, 0, 0)).toEqual([]);
    });

    it('keeps containers apart', async () => {
      const { store } = await start();
      await store.write([
        { op: 'add', container: Q, message: sampleMessage(1) },
        { op: 'add', container: Q2, message: sampleMessage(2, { destination: '/queue/invoices' }) },
        { op: 'add', container: Q, message: sampleMessage(3) },
      ]);
      expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([1, 3]);
      expect((await store.load(Q2, 0, 10)).map((m) => m.seq)).toEqual([2]);
      expect(store.count(Q)).toBe(2);
      expect(store.count(Q2)).toBe(1);
    });

    it('never loads a message again once its remove has resolved', async () => {
      const { store } = await start();
      await store.write([1, 2, 3, 4].map((s) => ({ op: 'add' as const, container: Q, message: sampleMessage(s) })));
      await store.write([{ op: 'remove', container: Q, seq: 1 }]);
      await store.write([{ op: 'remove', container: Q, seq: 3 }]);
      expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([2, 4]);
      expect(store.count(Q)).toBe(2);
      await store.write([{ op: 'remove', container: Q, seq: 2 }, { op: 'remove', container: Q, seq: 4 }]);
      expect(await store.load(Q, 0, 10)).toEqual([]);
      expect(store.count(Q)).toBe(0);
    });

    it('writeLazily, where a store has it: once resolved its ops are applied as a write, in order with later writes, and a clean restart keeps them', async (ctx) => {
      const t = await start();
      const { store } = t;
      if (store.writeLazily === undefined) ctx.skip();
      await store.write([1, 2, 3].map((s) => ({ op: 'add' as const, container: Q, message: sampleMessage(s) })));
      const lazy = store.writeLazily!([{ op: 'remove', container: Q, seq: 1 }]);
      const later = store.write([{ op: 'remove', container: Q, seq: 2 }]);
      await Promise.all([lazy, later]);
      expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([3]);
      // Held back, not dropped: close() commits a lazy write nobody waited for.
      void store.writeLazily!([{ op: 'remove', container: Q, seq: 3 }]);
      const again = await restart(t);
      if (again) expect(again.store.count(Q)).toBe(0);
    });

    it('ignores a remove of a message that is not there', async () => {
      const { store } = await start();
      await store.write([{ op: 'add', container: Q, message: sampleMessage(1) }]);
      await store.write([{ op: 'remove', container: Q, seq: 99 }, { op: 'remove', container: Q2, seq: 1 }]);
      expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([1]);
    });

    it('update changes redeliveryCount and deliverAt as load returns them', async () => {
      const { store } = await start();
      await store.write([1, 2].map((s) => ({ op: 'add' as const, container: Q, message: sampleMessage(s) })));
      await store.write([{ op: 'update', container: Q, seq: 2, redeliveryCount: 3, deliverAt: 1_800_000_000_000 }]);
      const [m1, m2] = await store.load(Q, 0, 10);
      expect([m1!.redeliveryCount, m1!.deliverAt]).toEqual([0, 0]);
      expect([m2!.redeliveryCount, m2!.deliverAt]).toEqual([3, 1_800_000_000_000]);
      expect(Array.from(m2!.body)).toEqual(Array.from(sampleMessage(2).body));
    });

    it('applies a batch as a whole: adds to several containers and removes together', async () => {
      const { store } = await start();
      await store.write([{ op: 'add', container: Q, message: sampleMessage(1) }]);
      // What a transaction commit or a move to a dead-letter queue looks like.
      await store.write([
        { op: 'remove', container: Q, seq: 1 },
        { op: 'add', container: queueContainer('ActiveMQ.DLQ'), message: sampleMessage(1) },
        { op: 'add', container: Q2, message: sampleMessage(2) },
      ]);
      expect(store.count(Q)).toBe(0);
      expect(store.count(queueContainer('ActiveMQ.DLQ'))).toBe(1);
      expect(store.count(Q2)).toBe(1);
    });

    it('removing a durable subscription drops every message waiting in its container', async () => {
      const { store } = await start();
      await store.write([{ op: 'addSubscription', subscription: sub }]);
      await store.write([1, 2, 3].map((s) => ({ op: 'add' as const, container: SUB, message: sampleMessage(s, { destination: '/topic/prices.IBM' }) })));
      await store.write([{ op: 'add', container: Q, message: sampleMessage(4) }]);
      expect(store.count(SUB)).toBe(3);
      await store.write([{ op: 'removeSubscription', clientId: sub.clientId, name: sub.name }]);
      expect(store.count(SUB)).toBe(0);
      expect(await store.load(SUB, 0, 10)).toEqual([]);
      expect(store.count(Q)).toBe(1);
    });

    it('usage grows with waiting messages and shrinks as they are removed', async () => {
      const { store } = await start();
      const before = store.usage().bytes;
      await store.write([1, 2, 3].map((s) => ({ op: 'add' as const, container: Q, message: sampleMessage(s, { body: new Uint8Array(10_000) }) })));
      const full = store.usage().bytes;
      expect(full).toBeGreaterThanOrEqual(before + 30_000);
      await store.write([{ op: 'remove', container: Q, seq: 1 }, { op: 'remove', container: Q, seq: 2 }]);
      const after = store.usage().bytes;
      expect(after).toBeLessThan(full - 19_000);
      await store.write([{ op: 'remove', container: Q, seq: 3 }]);
      expect(store.usage().bytes).toBe(before);
    });

    it('rejects writes after close with STORE_CLOSED', async () => {
      const { store } = await start();
      await store.write([{ op: 'add', container: Q, message: sampleMessage(1) }]);
      await store.close();
      const err = await store.write([{ op: 'add', container: Q, message: sampleMessage(2) }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_CLOSED');
    });

    it('survives a reopen: messages, counts, updates, subscriptions and lastSeq; removed messages stay removed', async (ctx) => {
      const t = await start();
      if (!t.reopen) ctx.skip();
      const { store } = t;
      await store.write([{ op: 'addSubscription', subscription: sub }]);
      await store.write([{ op: 'addSubscription', subscription: { ...sub, name: 'gone' } }]);
      await store.write([1, 2, 3, 4, 5].map((s) => ({ op: 'add' as const, container: Q, message: sampleMessage(s) })));
      await store.write([{ op: 'add', container: SUB, message: sampleMessage(6, { destination: '/topic/prices.IBM' }) }]);
      await store.write([{ op: 'add', container: durableContainer(sub.clientId, 'gone'), message: sampleMessage(7) }]);
      await store.write([{ op: 'remove', container: Q, seq: 2 }]);
      await store.write([{ op: 'update', container: Q, seq: 4, redeliveryCount: 2, deliverAt: 1_800_000_000_123 }]);
      await store.write([{ op: 'removeSubscription', clientId: sub.clientId, name: 'gone' }]);
      const usage = store.usage().bytes;

      const again = await restart(t);
      const { store: s2, recovery } = again!;
      expect(recovery.lastSeq).toBeGreaterThanOrEqual(7);
      expect(Object.fromEntries(recovery.containers)).toEqual({ [Q]: 4, [SUB]: 1 });
      expect(recovery.subscriptions).toEqual([sub]);
      expect(s2.count(Q)).toBe(4);
      const loaded = await s2.load(Q, 0, 10);
      expect(loaded.map(view)).toEqual(
        [1, 3, 4, 5].map((s) => view(s === 4 ? sampleMessage(s, { redeliveryCount: 2, deliverAt: 1_800_000_000_123 }) : sampleMessage(s))),
      );
      expect((await s2.load(SUB, 0, 10)).map((m) => m.seq)).toEqual([6]);
      expect(await s2.load(durableContainer(sub.clientId, 'gone'), 0, 10)).toEqual([]);
      expect(s2.usage().bytes).toBe(usage);
    });

    it('reports the highest seq ever written after reopen, even when every message was removed', async (ctx) => {
      const t = await start();
      if (!t.reopen) ctx.skip();
      await t.store.write([{ op: 'add', container: Q, message: sampleMessage(41) }]);
      await t.store.write([{ op: 'remove', container: Q, seq: 41 }]);
      const { recovery, store } = (await restart(t))!;
      expect(recovery.lastSeq).toBe(41);
      expect(recovery.containers.size).toBe(0);
      expect(store.count(Q)).toBe(0);
    });
  });
}
