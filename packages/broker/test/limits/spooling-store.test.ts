import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseDestination } from '../../src/core/destination-name.js';
import { MemoryUsage } from '../../src/core/memory-usage.js';
import { JournalMessageStore } from '../../src/store/journal/index.js';
import { queueContainer, StoreError, type StoredMessage } from '../../src/store/message-store.js';
import { SpoolingMessageStore } from '../../src/store/spooling-store.js';
import { describeMessageStoreConformance, sampleMessage } from '../store/conformance.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsmq-spool-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// A memory limit of a few sample messages, so that every conformance test runs across both parts.
describeMessageStoreConformance('SpoolingMessageStore', async () => ({
  store: new SpoolingMessageStore({ directory: join(await freshDir(), 'tmp_storage'), memory: new MemoryUsage(600), tempLimit: 0 }),
}));

const Q = queueContainer('orders');

async function bytesIn(dir: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}
const KiB = 1024;
const add = (m: StoredMessage, container = Q) => ({ op: 'add' as const, container, message: m });
const remove = (seq: number, container = Q) => ({ op: 'remove' as const, container, seq });
const sized = (seq: number, bytes: number) => sampleMessage(seq, { body: new Uint8Array(bytes).fill(seq % 256), persistent: false });

describe('SpoolingMessageStore', () => {
  const opened: SpoolingMessageStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  async function start(memoryLimit: number, tempLimit = 0, directory?: string) {
    const dir = directory ?? join(await freshDir(), 'tmp_storage');
    const memory = new MemoryUsage(memoryLimit);
    const store = new SpoolingMessageStore({ directory: dir, memory, tempLimit });
    await store.open();
    opened.push(store);
    return { store, memory, dir };
  }

  it('ActiveMQ tempUsage: messages beyond the memory limit go to the temp store on disk, and load merges both by seq', async () => {
    const { store, memory, dir } = await start(16 * KiB);
    for (let seq = 1; seq <= 40; seq++) await store.write([add(sized(seq, KiB))]);
    // Memory stops at the limit (plus the message that reached it); the rest is on disk.
    expect(memory.bytes).toBeLessThan(16 * KiB + 2 * KiB);
    expect(store.temp.bytes).toBeGreaterThan(20 * KiB);
    expect(store.spooledCount(Q)).toBeGreaterThan(20);
    expect(store.count(Q)).toBe(40);
    expect(await bytesIn(dir)).toBeGreaterThan(20 * KiB);
    const loaded = await store.load(Q, 0, 100);
    expect(loaded.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(loaded.every((m) => m.body.byteLength === KiB && m.body[0] === m.seq % 256)).toBe(true);
    expect((await store.load(Q, 10, 5)).map((m) => m.seq)).toEqual([11, 12, 13, 14, 15]);
  });

  it('JMS 2.0 §6.2.9 (order of one producer): once a queue has messages on disk, its new messages follow them there even when memory has room again', async () => {
    const { store, memory } = await start(4 * KiB);
    for (let seq = 1; seq <= 8; seq++) await store.write([add(sized(seq, KiB))]);
    const spooled = store.spooledCount(Q);
    expect(spooled).toBeGreaterThan(0);
    // Consuming the in-memory messages makes room...
    const inMemory = 8 - spooled;
    await store.write(Array.from({ length: inMemory }, (_, i) => remove(i + 1)));
    expect(memory.full).toBe(false);
    // ...but the next message still goes behind the ones on disk.
    await store.write([add(sized(9, KiB))]);
    expect(store.spooledCount(Q)).toBe(spooled + 1);
    // Once the disk part is drained, memory is used again.
    await store.write(Array.from({ length: spooled + 1 }, (_, i) => remove(inMemory + 1 + i)));
    expect(store.temp.bytes).toBe(0);
    await store.write([add(sized(10, KiB))]);
    expect(store.spooledCount(Q)).toBe(0);
    expect(store.count(Q)).toBe(1);
  });

  it('ActiveMQ systemUsage tempUsage limit: the temp usage is full at the limit; a write to disk beyond twice the limit (the backstop for what flow control lets through) fails with STORE_FULL and applies none of its ops', async () => {
    const { store } = await start(2 * KiB, 8 * KiB);
    let seq = 0;
    let error: unknown;
    for (;;) {
      seq++;
      error = await store.write([add(sized(seq, KiB))]).catch((e: unknown) => e);
      if (error !== undefined) break;
      if (seq > 100) throw new Error('the temp limit was never reached');
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_FULL');
    expect((error as Error).message).toMatch(/twice its limit of 8192 bytes/);
    expect(store.count(Q)).toBe(seq - 1);
    expect(store.temp.full).toBe(true);
    expect(store.temp.bytes).toBeGreaterThanOrEqual(16 * KiB);
    expect(store.temp.bytes).toBeLessThan(16 * KiB + 2 * KiB);
    // A batch that would cross the limit is refused whole, its remove included.
    const countBefore = store.count(Q);
    const batch = await store.write([remove(1), add(sized(1000, KiB)), add(sized(1001, KiB))]).catch((e: unknown) => e);
    expect((batch as StoreError).code).toBe('STORE_FULL');
    expect(store.count(Q)).toBe(countBefore);
  });

  it('ActiveMQ producer flow control on tempUsage: the temp usage is full at its limit and tells its waiters when consumers make room', async () => {
    const { store } = await start(KiB, 4 * KiB);
    for (let seq = 1; seq <= 10; seq++) await store.write([add(sized(seq, 512))]).catch(() => undefined);
    expect(store.temp.full).toBe(true);
    let resumed = false;
    store.temp.whenAvailable(() => (resumed = true));
    expect(resumed).toBe(false);
    const onDisk = (await store.load(Q, 0, 100)).filter((m) => !store.residentInMemory(Q, m.seq));
    for (const m of onDisk) {
      expect(resumed).toBe(false);
      await store.write([remove(m.seq)]);
      if (!store.temp.full) break;
    }
    expect(store.temp.full).toBe(false);
    expect(resumed).toBe(true);
  });

  it('non-persistent messages do not survive a restart: a new store on the same directory starts empty and deletes the old files', async () => {
    const first = await start(KiB);
    for (let seq = 1; seq <= 20; seq++) await first.store.write([add(sized(seq, KiB))]);
    expect(first.store.spooledCount(Q)).toBeGreaterThan(0);
    await first.store.close();
    opened.splice(opened.indexOf(first.store), 1);
    expect(await bytesIn(first.dir)).toBeGreaterThan(10 * KiB);
    const second = await start(KiB, 0, first.dir);
    expect(second.store.count(Q)).toBe(0);
    expect(await second.store.load(Q, 0, 100)).toEqual([]);
    expect(second.store.temp.bytes).toBe(0);
    // The old segments are deleted at open, not left to take disk space until the first spill.
    expect(await bytesIn(first.dir)).toBeLessThan(KiB);
    await second.store.write([add(sized(1, KiB))]);
    expect(second.store.count(Q)).toBe(1);
  });

  it('a store that never spills creates no directory', async () => {
    const dir = join(await freshDir(), 'tmp_storage');
    const { store } = await start(1024 * KiB, 0, dir);
    await store.write([add(sized(1, KiB))]);
    expect(store.spooledCount(Q)).toBe(0);
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('dropContainer (a deleted temporary queue) forgets its messages on disk and frees the temp usage at once', async () => {
    const { store } = await start(KiB);
    const T = queueContainer('temp-1');
    for (let seq = 1; seq <= 10; seq++) await store.write([add(sized(seq, KiB), T)]);
    expect(store.temp.bytes).toBeGreaterThan(0);
    store.dropContainer(T);
    expect(store.count(T)).toBe(0);
    expect(store.temp.bytes).toBe(0);
    expect(await store.load(T, 0, 100)).toEqual([]);
  });

  it('a queue with its own policy memoryLimit spills at that limit while other queues keep memory', async () => {
    const dir = join(await freshDir(), 'tmp_storage');
    const memory = new MemoryUsage(1024 * KiB);
    memory.forDestination(parseDestination('/queue/SLOW')!, 4 * KiB);
    const store = new SpoolingMessageStore({ directory: dir, memory, tempLimit: 0 });
    await store.open();
    opened.push(store);
    const SLOW = queueContainer('SLOW');
    for (let seq = 1; seq <= 10; seq++) await store.write([add(sized(seq, KiB), SLOW)]);
    for (let seq = 11; seq <= 20; seq++) await store.write([add(sized(seq, KiB))]);
    expect(store.spooledCount(SLOW)).toBeGreaterThan(0);
    expect(store.spooledCount(Q)).toBe(0);
  });
});

describe('JournalMessageStore options for the temp store', () => {
  it('sync: false writes without fdatasync; discardOnOpen starts empty although the files hold messages', async () => {
    const directory = await freshDir();
    const first = new JournalMessageStore({ directory, sync: false });
    await first.open();
    await first.write([add(sampleMessage(1)), add(sampleMessage(2))]);
    expect(first.stats().fsyncs).toBe(0);
    expect(first.stats().ops).toBe(2);
    await first.close();
    // Without discardOnOpen the messages are found again...
    const replayed = new JournalMessageStore({ directory });
    expect((await replayed.open()).containers.get(Q)).toBe(2);
    await replayed.close();
    // ...with it they are not.
    await writeFile(join(directory, 'unrelated.txt'), 'kept');
    const fresh = new JournalMessageStore({ directory, discardOnOpen: true });
    const recovery = await fresh.open();
    expect(recovery.containers.size).toBe(0);
    expect(fresh.count(Q)).toBe(0);
    expect(await readdir(directory)).toContain('unrelated.txt');
    await fresh.close();
  });
});

describe('SpoolingMessageStore.writeNow (the synchronous path of non-persistent sends)', () => {
  const opened: SpoolingMessageStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  async function start(memoryLimit: number) {
    const memory = new MemoryUsage(memoryLimit);
    const store = new SpoolingMessageStore({ directory: join(await freshDir(), 'tmp_storage'), memory, tempLimit: 0 });
    await store.open();
    opened.push(store);
    return { store, memory };
  }

  it('applies in-memory adds and removes at once, visible to load and count without awaiting anything', async () => {
    const { store, memory } = await start(64 * KiB);
    expect(store.writeNow([add(sized(1, KiB)), add(sized(2, KiB))])).toBe(true);
    expect(store.count(Q)).toBe(2);
    expect(memory.bytes).toBeGreaterThan(2 * KiB);
    expect(store.writeNow([remove(1)])).toBe(true);
    expect((await store.load(Q, 0, 10)).map((m) => m.seq)).toEqual([2]);
  });

  it('JMS 2.0 §6.2.9 (order of one producer): declines, applying nothing, once the queue has messages on disk, and write() then puts the message behind them', async () => {
    const { store } = await start(4 * KiB);
    // In memory until it is full; then the message must go to disk, which writeNow leaves to write().
    let seq = 1;
    while (store.writeNow([add(sized(seq, KiB))])) seq++;
    expect(seq).toBeGreaterThan(1);
    expect(store.count(Q)).toBe(seq - 1);
    await store.write([add(sized(seq, KiB))]);
    expect(store.spooledCount(Q)).toBe(1);
    // Memory has room again once one is consumed, but the next message still goes behind the one on disk.
    expect(store.writeNow([remove(1)])).toBe(true);
    expect(store.writeNow([add(sized(++seq, KiB))])).toBe(false);
    await store.write([add(sized(seq, KiB))]);
    const loaded = await store.load(Q, 0, 100);
    expect(loaded.map((m) => m.seq)).toEqual(Array.from({ length: seq - 1 }, (_, i) => i + 2));
  });

  it('declines to remove a message that is on disk, so that its disk record is removed too', async () => {
    const { store } = await start(2 * KiB);
    for (let seq = 1; seq <= 6; seq++) await store.write([add(sized(seq, KiB))]);
    expect(store.spooledCount(Q)).toBeGreaterThan(0);
    expect(store.writeNow([remove(6)])).toBe(false);
    expect(store.count(Q)).toBe(6);
  });

  it('a closed store throws STORE_CLOSED rather than applying', async () => {
    const { store } = await start(64 * KiB);
    await store.close();
    opened.length = 0;
    expect(() => store.writeNow([add(sized(1, KiB))])).toThrow(StoreError);
  });
});
