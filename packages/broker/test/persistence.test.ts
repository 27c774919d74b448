import { describe, expect, it } from 'vitest';
import { MemoryMessageStore, type StoreOp } from '../src/index.js';
import { startBroker } from './helpers/broker.js';
import { text } from './helpers/raw-client.js';

/** An in-memory store whose writes complete only when the test opens the gate. */
class GatedStore extends MemoryMessageStore {
  private held: Array<() => void> = [];
  readonly written: StoreOp[][] = [];
  gated = true;

  override write(ops: StoreOp[]): Promise<void> {
    if (!this.gated) return super.write(ops);
    return new Promise<void>((resolve, reject) => {
      this.held.push(() => {
        this.written.push(ops);
        super.write(ops).then(resolve, reject);
      });
    });
  }

  get pending(): number {
    return this.held.length;
  }

  openGate(): void {
    this.gated = false;
    for (const release of this.held.splice(0)) release();
  }
}

describe('persistent messages and the store', () => {
  it('STOMP 1.2 §RECEIPT: a persistent SEND is receipted only once the store has it, and is not delivered before', async () => {
    const store = new GatedStore();
    const tb = await startBroker({ store });
    try {
      const consumer = await tb.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/durable', id: 's', receipt: 'r' });
      await consumer.next('RECEIPT');
      const p = await tb.client();
      p.send('SEND', { destination: '/queue/durable', persistent: 'true', receipt: 'stored' }, 'important');
      // Frames on one connection are answered in order, so this receipt proves the SEND was processed.
      expect(await p.barrier()).toEqual([]);
      expect(store.pending).toBe(1);
      expect(await consumer.barrier()).toEqual([]);
      store.openGate();
      expect((await p.next('RECEIPT')).headers['receipt-id']).toBe('stored');
      expect(text(await consumer.next('MESSAGE'))).toBe('important');
      expect(store.written[0]![0]).toMatchObject({ op: 'add', container: 'queue:durable' });
    } finally {
      await tb.stop();
    }
  });

  it('a failed store write -> ERROR with the store error code and the receipt-id, never a RECEIPT', async () => {
    const tb = await startBroker({ store: new MemoryMessageStore({ limitBytes: 500 }) });
    try {
      const bystander = await tb.client();
      const p = await tb.client();
      p.send('SEND', { destination: '/queue/full', persistent: 'true', receipt: 'r1' }, 'x'.repeat(2000));
      const e = await p.next('ERROR');
      expect(e.headers.code).toBe('STORE_FULL');
      expect(e.headers['receipt-id']).toBe('r1');
      await p.waitClosed();
      // Non-persistent messages use the broker's own in-memory store, which still has room.
      bystander.send('SEND', { destination: '/queue/full', receipt: 'r2' }, 'x'.repeat(2000));
      expect((await bystander.next('RECEIPT')).headers['receipt-id']).toBe('r2');
    } finally {
      await tb.stop();
    }
  });

  it('ACK and COMMIT write their store changes: ACK removes, COMMIT writes adds and removes in one batch', async () => {
    const store = new GatedStore();
    store.gated = false;
    const tb = await startBroker({ store });
    try {
      const c = await tb.client();
      c.send('SUBSCRIBE', { destination: '/queue/tx', id: 's', ack: 'client-individual' });
      c.send('SEND', { destination: '/queue/tx', persistent: 'true' }, 'one');
      const m = await c.next('MESSAGE');
      store.gated = true;
      c.send('BEGIN', { transaction: 't' });
      c.send('ACK', { id: m.headers.ack!, transaction: 't' });
      c.send('SEND', { destination: '/queue/tx', persistent: 'true', transaction: 't' }, 'two');
      c.send('COMMIT', { transaction: 't', receipt: 'committed' });
      expect(await c.barrier()).toEqual([]);
      expect(store.pending).toBe(1);
      store.openGate();
      // The committed message may be dispatched before the RECEIPT is written: take both.
      const frames = [await c.next(), await c.next()];
      expect(frames.map((f) => f.command).sort()).toEqual(['MESSAGE', 'RECEIPT']);
      expect(text(frames.find((f) => f.command === 'MESSAGE')!)).toBe('two');
      const batch = store.written.at(-1)!;
      expect(batch.map((op) => op.op).sort()).toEqual(['add', 'remove']);
      expect(store.count('queue:tx')).toBe(1);
    } finally {
      await tb.stop();
    }
  });
});

describe('restart', () => {
  it('messages left in the persistent store at stop are delivered after a restart, in order, with new ids above the old ones', async () => {
    const store = new MemoryMessageStore();
    const first = await startBroker({ store });
    const p = await first.client();
    for (let i = 0; i < 3; i++) p.send('SEND', { destination: '/queue/survivor', persistent: 'true', receipt: `r${i}` }, `m${i}`);
    for (let i = 0; i < 3; i++) await p.next('RECEIPT');
    p.send('SEND', { destination: '/queue/survivor', receipt: 'np' }, 'not persistent');
    await p.next('RECEIPT');
    await first.stop();

    const second = await startBroker({ store });
    try {
      expect(second.broker.stats().destinations.find((d) => d.destination === '/queue/survivor')?.depth).toBe(3);
      const c = await second.client();
      c.send('SUBSCRIBE', { destination: '/queue/survivor', id: 's' });
      const got = [await c.next('MESSAGE'), await c.next('MESSAGE'), await c.next('MESSAGE')];
      expect(got.map(text)).toEqual(['m0', 'm1', 'm2']);
      expect(await c.barrier()).toEqual([]);
      c.send('SEND', { destination: '/queue/survivor', persistent: 'true' }, 'new');
      const fresh = await c.next('MESSAGE');
      const seqOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
      expect(seqOf(fresh.headers['message-id']!)).toBeGreaterThan(seqOf(got[2]!.headers['message-id']!));
    } finally {
      await second.stop();
    }
  });
});

describe('producer flow control', () => {
  it('a producer whose persistent sends wait on the store is paused at a bound, then resumes and every SEND is receipted', async () => {
    const store = new GatedStore();
    const tb = await startBroker({ store });
    try {
      const p = await tb.client();
      const total = 700;
      const body = 'y'.repeat(4096);
      for (let i = 0; i < total; i++) p.send('SEND', { destination: '/queue/flow', persistent: 'true', receipt: `r${i}` }, body);
      const deadline = Date.now() + 5_000;
      while (store.pending < 512) {
        if (Date.now() > deadline) throw new Error(`only ${store.pending} writes pending`);
        await new Promise((r) => setTimeout(r, 10));
      }
      // Reading stopped at the bound: the frames still unread wait in the socket, not in the broker.
      expect(store.pending).toBeLessThan(total);
      store.openGate();
      for (let i = 0; i < total; i++) await p.next('RECEIPT', 5_000);
      expect(store.count('queue:flow')).toBe(total);
    } finally {
      await tb.stop();
    }
  });
});
