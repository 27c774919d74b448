/**
 * Measures the journal; not a test (timings are never asserted). Run once by hand from the repo root:
 *
 * ```
 * npx tsc --outDir <out> --module nodenext --target es2022 --skipLibCheck packages/broker/test/store/journal-measure.ts
 * node <out>/test/store/journal-measure.js [millionMessages=1]
 * ```
 *
 * Reports messages per fsync and throughput with 8 producers each keeping 16 writes of 1 KiB in flight,
 * then the time (and heap) to open a journal holding one million waiting 1 KiB messages.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JournalMessageStore } from '../../src/store/journal/index.js';
import { queueContainer, type StoredMessage } from '../../src/store/message-store.js';

const Q = queueContainer('measure');
const body = new Uint8Array(1024).fill(120);

function message(seq: number): StoredMessage {
  return {
    seq,
    messageId: `ID:measure-${seq}`,
    destination: '/queue/measure',
    headers: { 'content-type': 'application/octet-stream' },
    body,
    persistent: true,
    priority: 4,
    expires: 0,
    deliverAt: 0,
    redeliveryCount: 0,
  };
}

async function concurrentProducers(store: JournalMessageStore, producers: number, inFlight: number, total: number): Promise<void> {
  let seq = 0;
  const perProducer = Math.ceil(total / producers);
  const one = async () => {
    const pending = new Set<Promise<void>>();
    for (let i = 0; i < perProducer; i++) {
      const p = store.write([{ op: 'add', container: Q, message: message(++seq) }]).finally(() => pending.delete(p));
      pending.add(p);
      if (pending.size >= inFlight) await Promise.race(pending);
    }
    await Promise.all(pending);
  };
  await Promise.all(Array.from({ length: producers }, one));
}

/** Opens an existing journal and reports time, index heap and the speed of paging through it. */
async function measureOpen(directory: string): Promise<void> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const store = new JournalMessageStore({ directory });
  const t0 = performance.now();
  const recovery = await store.open();
  const openMs = performance.now() - t0;
  // Replay's segment buffers are freed by a background sweeper after the collection: give it a moment.
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = process.memoryUsage();
  let n = 0;
  for (const count of recovery.containers.values()) n += count;
  const heap = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  console.log(`open() of ${n} waiting messages: ${openMs.toFixed(0)} ms`);
  console.log(
    `  index heap: ${(heap / 1048576).toFixed(1)} MiB = ${(heap / n).toFixed(1)} bytes/message ` +
      `(JS heap ${((after.heapUsed - before.heapUsed) / 1048576).toFixed(1)} MiB, array buffers ${((after.arrayBuffers - before.arrayBuffers) / 1048576).toFixed(1)} MiB)`,
  );
  const t1 = performance.now();
  let afterSeq = 0;
  let loaded = 0;
  for (let i = 0; i < 200; i++) {
    const page = await store.load(Q, afterSeq, 500);
    if (page.length === 0) break;
    loaded += page.length;
    afterSeq = page[page.length - 1]!.seq;
  }
  console.log(`load(): ${loaded} messages in pages of 500 in ${(performance.now() - t1).toFixed(0)} ms`);
  await store.close();
}

async function main(): Promise<void> {
  const millions = Number(process.argv[2] ?? 1);
  const dir = await mkdtemp(join(tmpdir(), 'tsmq-measure-'));
  try {
    const store = new JournalMessageStore({ directory: join(dir, 'a') });
    await store.open();
    const total = 100_000;
    const t0 = performance.now();
    await concurrentProducers(store, 8, 16, total);
    const secs = (performance.now() - t0) / 1000;
    const s = store.stats();
    console.log(`8 producers x 16 in flight, 1 KiB: ${s.ops} messages, ${s.fsyncs} fsyncs = ${(s.ops / s.fsyncs).toFixed(1)} messages/fsync`);
    console.log(`  ${(s.ops / secs).toFixed(0)} messages/s, ${(s.bytesWritten / secs / 1048576).toFixed(1)} MiB/s written`);
    await store.close();

    const n = Math.round(millions * 1_000_000);
    const big = new JournalMessageStore({ directory: join(dir, 'b') });
    await big.open();
    const t1 = performance.now();
    // Batches of 100 per write, 8 in flight: filling quickly is all that matters here.
    let seq = 0;
    const writer = async () => {
      while (seq < n) {
        const ops = [];
        for (let i = 0; i < 100 && seq < n; i++) ops.push({ op: 'add' as const, container: Q, message: message(++seq) });
        await big.write(ops);
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    console.log(`filled ${n} messages in ${((performance.now() - t1) / 1000).toFixed(1)} s (${(big.stats().bytesWritten / 1048576).toFixed(0)} MiB)`);
    await big.close();

    // Opened in a fresh process, so that the heap figure holds the index and nothing else.
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'open', join(dir, 'b')], { encoding: 'utf8' });
    process.stdout.write(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'open') await measureOpen(process.argv[3]!);
else await main();
