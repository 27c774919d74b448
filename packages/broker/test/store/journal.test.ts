import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, open, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalMessageStore, LAZY_COMMIT_MS, type JournalMessageStoreOptions } from '../../src/store/journal/index.js';
import { within } from '../helpers/within.js';
import { durableContainer, queueContainer, StoreError, type StoredMessage, type StoreOp } from '../../src/store/message-store.js';
import { sampleMessage } from './conformance.js';

const Q = queueContainer('orders');
const dirs: string[] = [];
const stores: JournalMessageStore[] = [];

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsmq-journal-'));
  dirs.push(d);
  return d;
}

/**
 * `preallocate: false` for the tests that damage the last bytes of a file, which must then be the last
 * record rather than the zeros of a preallocated segment; `checkpoint: false` where replay itself must
 * read every record.
 */
async function openStore(directory: string, segmentSize = 1024 * 1024, storeLimit?: number, options: Partial<JournalMessageStoreOptions> = {}) {
  const store = new JournalMessageStore({ directory, segmentSize, storeLimit, ...options });
  stores.push(store);
  const recovery = await store.open();
  return { store, recovery };
}

/** Deterministic pseudo-random bytes, so a failure can be reproduced. */
function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const add = (seq: number, body?: Uint8Array, container = Q): StoreOp => ({
  op: 'add',
  container,
  message: sampleMessage(seq, body ? { body } : {}),
});

/**
 * What a crash leaves: the journal files as they are on disk now, copied while the store is still
 * open (it never gets to close()). Returns the copy's directory.
 */
async function crashCopy(dir: string, withCheckpoint = false): Promise<string> {
  const copy = await freshDir();
  // The checkpoint first: a crash never leaves one newer than the segments.
  if (withCheckpoint) await copyFile(join(dir, CHECKPOINT), join(copy, CHECKPOINT));
  for (const f of await segmentFiles(dir)) await copyFile(join(dir, f), join(copy, f));
  return copy;
}

const CHECKPOINT = 'index.checkpoint';

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^journal-\d+\.log$/.test(f)).sort((a, b) => parseInt(a.slice(8)) - parseInt(b.slice(8)));
}

async function diskBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await segmentFiles(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

const seqsOf = (ms: StoredMessage[]) => ms.map((m) => m.seq);

describe('JournalMessageStore', () => {
  it('group commit: concurrent writes share fsyncs (8 producers x 16 in flight)', async () => {
    const { store } = await openStore(await freshDir());
    const perProducer = 250;
    let seq = 0;
    const producer = async () => {
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < perProducer; i++) {
        const p = store.write([add(++seq, seededBytes(seq, 1024))]).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 16) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    };
    await Promise.all(Array.from({ length: 8 }, producer));
    const stats = store.stats();
    expect(stats.records).toBe(8 * perProducer);
    expect(store.count(Q)).toBe(8 * perProducer);
    // Without group commit every write would cost its own fsync.
    expect(stats.fsyncs).toBeLessThan(stats.records / 8);
  });

  it('writeLazily: a removal nobody waits for shares the fsync of the next awaited write instead of costing its own', async () => {
    // Held back up to a minute here, so that only the awaited write can bring it to disk.
    const { store } = await openStore(await freshDir(), undefined, undefined, { lazyCommitMs: 60_000 });
    await store.write([add(1), add(2)]);
    const before = store.stats().fsyncs;
    const lazy = store.writeLazily([{ op: 'remove', container: Q, seq: 1 }]);
    // A few turns later the removal is still waiting, not committed on its own.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.stats().fsyncs).toBe(before);
    const awaited = store.write([add(3)]);
    await Promise.all([lazy, awaited]);
    expect(store.stats().fsyncs - before).toBe(1);
    expect(seqsOf(await store.load(Q, 0, 10))).toEqual([2, 3]);
  });

  it(`writeLazily: alone, a lazy write is committed after at most ${LAZY_COMMIT_MS} ms, and is then in the files`, async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir);
    await store.write([add(1), add(2)]);
    const before = store.stats().fsyncs;
    // Bounded wait: the commit is due after LAZY_COMMIT_MS, far less than this.
    await within(store.writeLazily([{ op: 'remove', container: Q, seq: 1 }]), 2_000, 'the lazy write');
    expect(store.stats().fsyncs - before).toBe(1);
    const { store: reader } = await openStore(await crashCopy(dir));
    expect(seqsOf(await reader.load(Q, 0, 10))).toEqual([2]);
  });

  it('a resolved write is in the files: a crash right after it loses nothing', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir);
    await Promise.all([1, 2, 3].map((s) => store.write([add(s)])));
    const { store: reader, recovery } = await openStore(await crashCopy(dir));
    expect(recovery.containers.get(Q)).toBe(3);
    expect(seqsOf(await reader.load(Q, 0, 10))).toEqual([1, 2, 3]);
  });

  it('rolls over to new segments and deletes them once every message in them is removed, so disk use shrinks', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, 16 * 1024);
    for (let s = 1; s <= 200; s++) await store.write([add(s, seededBytes(s, 1024))]);
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    const fullBytes = await diskBytes(dir);
    for (let s = 1; s <= 200; s += 10) await store.write(Array.from({ length: 10 }, (_, i) => ({ op: 'remove' as const, container: Q, seq: s + i })));
    await store.close(); // waits for pending segment deletions
    const left = await segmentFiles(dir);
    expect(left.length).toBeLessThanOrEqual(2);
    expect(await diskBytes(dir)).toBeLessThan(fullBytes / 5);
    const { store: again, recovery } = await openStore(dir, 16 * 1024);
    expect(recovery.containers.size).toBe(0);
    expect(recovery.lastSeq).toBe(200);
    expect(await again.load(Q, 0, 10)).toEqual([]);
  });

  it('a message that waits long keeps only its own segment, not the ones after it', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, 16 * 1024);
    await store.write([add(1, seededBytes(1, 1024))]); // stays
    for (let s = 2; s <= 100; s++) await store.write([add(s, seededBytes(s, 1024))]);
    for (let s = 2; s <= 100; s++) await store.write([{ op: 'remove', container: Q, seq: s }]);
    await store.close();
    expect((await segmentFiles(dir)).length).toBeLessThanOrEqual(3);
    const { store: again } = await openStore(dir, 16 * 1024);
    expect(seqsOf(await again.load(Q, 0, 10))).toEqual([1]);
  });

  it('keeps a segment holding removes while the segment of their adds still exists, so removed messages never come back', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, 8192);
    await store.write([add(1, seededBytes(1, 1000))]); // segment 1, stays
    await store.write([add(2, seededBytes(2, 1000))]); // segment 1, removed below
    await store.write([add(3, seededBytes(3, 7000))]); // does not fit: segment 2
    await store.write([{ op: 'remove', container: Q, seq: 2 }]); // segment 2
    await store.write([{ op: 'remove', container: Q, seq: 3 }]); // segment 2 now holds no waiting message
    await store.write([add(4, seededBytes(4, 7000))]); // segment 3
    await store.close();
    expect(await segmentFiles(dir)).toEqual(['journal-1.log', 'journal-2.log', 'journal-3.log']);
    const { store: again } = await openStore(dir, 8192);
    expect(seqsOf(await again.load(Q, 0, 10))).toEqual([1, 4]);
  });

  it('recovery: a torn tail (last record cut short by a crash) is cut off with a warning, earlier messages intact', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, undefined, undefined, { preallocate: false });
    for (let s = 1; s <= 10; s++) await store.write([add(s)]);
    // A crash during the last append: it reached the disk only in part.
    const crashed = await crashCopy(dir);
    const file = join(crashed, 'journal-1.log');
    await truncate(file, (await stat(file)).size - 3);
    const { store: again, recovery } = await openStore(crashed, undefined, undefined, { preallocate: false });
    expect(recovery.warnings.filter((w) => /journal-1\.log/.test(w))).toHaveLength(1);
    expect(recovery.warnings.join('\n')).toMatch(/journal-1\.log.*runs past the end/);
    expect(recovery.containers.get(Q)).toBe(9);
    expect(seqsOf(await again.load(Q, 0, 20))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Appending continues after the last good record, and the next open finds nothing to repair.
    await again.write([add(11)]);
    await again.close();
    const { store: third, recovery: r3 } = await openStore(crashed, undefined, undefined, { preallocate: false });
    expect(r3.warnings).toEqual([]);
    expect(seqsOf(await third.load(Q, 0, 20))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
  });

  it('recovery: a flipped byte in the last record fails its CRC and the record is cut off with a warning', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, undefined, undefined, { preallocate: false });
    for (let s = 1; s <= 10; s++) await store.write([add(s)]);
    const crashed = await crashCopy(dir);
    const file = join(crashed, 'journal-1.log');
    const bytes = await readFile(file);
    bytes[bytes.length - 5]! ^= 0x40;
    await writeFile(file, bytes);
    const { store: again, recovery } = await openStore(crashed, undefined, undefined, { preallocate: false });
    expect(recovery.warnings.join('\n')).toMatch(/journal-1\.log: record checksum mismatch/);
    expect(seqsOf(await again.load(Q, 0, 20))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await stat(file)).size).toBeLessThan(bytes.length);
  });

  it('recovery: a zero-filled tail (file extended but data never written) is the end of the journal, where appending continues', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, undefined, undefined, { preallocate: false });
    for (let s = 1; s <= 3; s++) await store.write([add(s)]);
    const crashed = await crashCopy(dir);
    const file = join(crashed, 'journal-1.log');
    const fh = await open(file, 'a');
    await fh.write(new Uint8Array(4096));
    await fh.close();
    const size = (await stat(file)).size;
    // Zeros are what a preallocated segment holds after its last record: no damage, nothing to cut.
    const { store: again, recovery } = await openStore(crashed, undefined, undefined, { preallocate: false });
    expect(recovery.warnings.filter((w) => /journal-1\.log/.test(w))).toEqual([]);
    expect(seqsOf(await again.load(Q, 0, 20))).toEqual([1, 2, 3]);
    await again.write([add(4)]);
    expect((await stat(file)).size).toBe(size);
    const { store: third } = await openStore(await crashCopy(crashed), undefined, undefined, { preallocate: false });
    expect(seqsOf(await third.load(Q, 0, 20))).toEqual([1, 2, 3, 4]);
  });

  it('preallocation: segments are written to their full size ahead of use; their unused zeros are not reported on reopen and appending continues after the last record', async () => {
    const dir = await freshDir();
    const segmentSize = 16 * 1024;
    const { store } = await openStore(dir, segmentSize);
    for (let s = 1; s <= 40; s++) await store.write([add(s, seededBytes(s, 1024))]);
    await store.close();
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect((await stat(join(dir, f))).size).toBe(segmentSize);
    // The next segment, prepared in the background, does not outlive the store.
    expect((await readdir(dir)).filter((f) => f.endsWith('.prealloc'))).toEqual([]);
    const { store: again, recovery } = await openStore(dir, segmentSize);
    expect(recovery.warnings).toEqual([]);
    await again.write([add(41, seededBytes(41, 100))]);
    const { store: third, recovery: r3 } = await openStore(await crashCopy(dir), segmentSize);
    expect(r3.warnings.filter((w) => /journal-\d+\.log/.test(w))).toEqual([]);
    expect(seqsOf(await third.load(Q, 0, 100))).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });

  it('preallocation: a crash in the middle of an append (part of the record on disk, zeros after it) cuts that record off with a warning; earlier messages intact', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir);
    for (let s = 1; s <= 10; s++) await store.write([add(s, new Uint8Array(600).fill(0xab))]);
    const crashed = await crashCopy(dir);
    const file = join(crashed, 'journal-1.log');
    const bytes = await readFile(file);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    expect(end).toBeLessThan(bytes.length / 2); // the rest of the segment is preallocated zeros
    // Only the first sectors of the last group write reached the disk.
    bytes.fill(0, end - 300, end);
    await writeFile(file, bytes);
    const { store: again, recovery } = await openStore(crashed);
    expect(recovery.warnings.join('\n')).toMatch(/journal-1\.log: record checksum mismatch at offset \d+; cut off/);
    expect(seqsOf(await again.load(Q, 0, 20))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await again.write([add(11)]);
    await again.close();
    const { store: third, recovery: r3 } = await openStore(crashed);
    expect(r3.warnings).toEqual([]);
    expect(seqsOf(await third.load(Q, 0, 20))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
  });

  it('JMS 2.0 §3.4.7: after a crash the messages that were waiting are marked redelivered until consumed, also across a later clean restart', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir);
    for (let s = 1; s <= 3; s++) await store.write([add(s)]);
    // The broker may have delivered any of them before the crash without having recorded it.
    const crashed = await crashCopy(dir);
    const { store: second, recovery } = await openStore(crashed);
    expect(recovery.warnings.join('\n')).toMatch(/not stopped cleanly.*3 messages/);
    expect((await second.load(Q, 0, 10)).map((m) => m.redeliveryCount)).toEqual([1, 1, 1]);
    await second.write([add(4)]); // arrives after the crash: a first delivery
    await second.write([{ op: 'update', container: Q, seq: 2, redeliveryCount: 3, deliverAt: 0 }]);
    await second.close();
    const { store: third, recovery: r3 } = await openStore(crashed);
    expect(r3.warnings).toEqual([]);
    expect((await third.load(Q, 0, 10)).map((m) => [m.seq, m.redeliveryCount])).toEqual([
      [1, 1],
      [2, 3],
      [3, 1],
      [4, 0],
    ]);
  });

  it('after a clean close nothing is marked redelivered', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir);
    for (let s = 1; s <= 3; s++) await store.write([add(s)]);
    await store.close();
    const { store: again, recovery } = await openStore(dir);
    expect(recovery.warnings).toEqual([]);
    expect((await again.load(Q, 0, 10)).map((m) => m.redeliveryCount)).toEqual([0, 0, 0]);
  });

  it('recovery: damage inside an older segment skips the rest of that segment with a warning and replays the next ones', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, 8192, undefined, { preallocate: false, checkpoint: false });
    for (let s = 1; s <= 20; s++) await store.write([add(s, seededBytes(s, 1000))]);
    await store.close();
    // The last record of segment 1 is a message (the clean-shutdown mark is in the newest segment).
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const first = join(dir, files[0]!);
    const bytes = await readFile(first);
    bytes[bytes.length - 500]! ^= 0xff; // inside the last record of segment 1
    await writeFile(first, bytes);
    const { store: again, recovery } = await openStore(dir, 8192, undefined, { preallocate: false, checkpoint: false });
    expect(recovery.warnings).toHaveLength(1);
    expect(recovery.warnings[0]).toMatch(/journal-1\.log.*skipped/);
    const seqs = seqsOf(await again.load(Q, 0, 100));
    expect(seqs).toHaveLength(19);
    expect(seqs.at(-1)).toBe(20);
    expect((await stat(first)).size).toBe(bytes.length); // an older segment is left as found
  });

  it('a write failing with ENOSPC rejects with STORE_FULL, applies nothing, and the store keeps working', async (ctx) => {
    if (!existsSync('/dev/full')) ctx.skip(); // the only reliable way to get ENOSPC without filling a disk
    const dir = await freshDir();
    const { store } = await openStore(dir, 8192);
    await store.write([add(1, seededBytes(1, 1000))]);
    // The next segment the journal starts is a device on which every write fails with ENOSPC.
    await symlink('/dev/full', join(dir, 'journal-2.log'));
    const err = await store.write([add(2, seededBytes(2, 8000))]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_FULL');
    expect(store.count(Q)).toBe(1);
    expect(store.stats().failedWrites).toBe(1);
    await store.write([add(3, seededBytes(3, 1000))]);
    expect(seqsOf(await store.load(Q, 0, 10))).toEqual([1, 3]);
    await store.close();
    const { store: again } = await openStore(dir, 8192);
    expect(seqsOf(await again.load(Q, 0, 10))).toEqual([1, 3]);
  });

  it('refuses a second store on a directory in use, and takes over the lock a killed broker left behind', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir);
    const err = await new JournalMessageStore({ directory: dir }).open().catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_IO');
    expect((err as StoreError).message).toMatch(/already open/);
    await store.close();
    // A lock naming a process that no longer runs, as kill -9 leaves it.
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    await writeFile(join(dir, 'lock'), `${deadPid}\n`);
    const { store: again } = await openStore(dir);
    expect(again.count(Q)).toBe(0);
    // A lock naming a live process that is not this one is respected.
    await again.close();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      await writeFile(join(dir, 'lock'), `${other.pid}\n`);
      const locked = await new JournalMessageStore({ directory: dir }).open().catch((e: unknown) => e);
      expect((locked as StoreError).message).toMatch(new RegExp(`locked by process ${other.pid}`));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('storeLimit: a batch that would exceed it rejects with STORE_FULL and applies none of its ops; removes are still accepted', async () => {
    const { store } = await openStore(await freshDir(), 1024 * 1024, 6000);
    await store.write([add(1, seededBytes(1, 1500))]);
    await store.write([add(2, seededBytes(2, 1500))]);
    const err = await store
      .write([{ op: 'remove', container: Q, seq: 1 }, add(3, seededBytes(3, 1500)), add(4, seededBytes(4, 1500)), add(5, seededBytes(5, 1500))])
      .catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_FULL');
    expect(seqsOf(await store.load(Q, 0, 10))).toEqual([1, 2]);
    await store.write([{ op: 'remove', container: Q, seq: 1 }]);
    await store.write([add(3, seededBytes(3, 1500)), add(4, seededBytes(4, 1500))]);
    expect(seqsOf(await store.load(Q, 0, 10))).toEqual([2, 3, 4]);
  });

  it('paging: load() of a 50k-message container returns exactly the bodies written, also after reopen', async () => {
    const dir = await freshDir();
    const { store } = await openStore(dir, 4 * 1024 * 1024);
    const n = 50_000;
    const bodyOf = (s: number) => seededBytes(s, (s * 37) % 2000);
    for (let s = 1; s <= n; s += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => store.write([add(s + i, bodyOf(s + i))])));
    }
    // Remove every third message so that pages span holes.
    for (let s = 3; s <= n; s += 3000) {
      const ops: StoreOp[] = [];
      for (let k = s; k < s + 3000 && k <= n; k += 3) ops.push({ op: 'remove', container: Q, seq: k });
      await store.write(ops);
    }
    const expected = Array.from({ length: n }, (_, i) => i + 1).filter((s) => s % 3 !== 0);
    const check = async (st: JournalMessageStore) => {
      expect(st.count(Q)).toBe(expected.length);
      let after = 0;
      let i = 0;
      for (;;) {
        const page = await st.load(Q, after, 500);
        if (page.length === 0) break;
        for (const m of page) {
          expect(m.seq).toBe(expected[i++]);
          if (!Buffer.from(m.body).equals(Buffer.from(bodyOf(m.seq)))) throw new Error(`body of message ${m.seq} differs`);
        }
        after = page[page.length - 1]!.seq;
      }
      expect(i).toBe(expected.length);
    };
    await check(store);
    await store.close();
    const { store: again } = await openStore(dir, 4 * 1024 * 1024);
    await check(again);
  }, 60_000);

  describe('index checkpoint', () => {
    const D = durableContainer('client-1', 'audit');
    const subscription = { clientId: 'client-1', name: 'audit', destination: '/topic/audit', selector: "kind = 'x'", noLocal: false };

    it('open() loads the checkpoint and replays only the records after it: messages, removals, redelivery counts and subscriptions as before the crash', async () => {
      const dir = await freshDir();
      const segmentSize = 16 * 1024;
      const { store } = await openStore(dir, segmentSize);
      await store.write([{ op: 'addSubscription', subscription }]);
      for (let s = 1; s <= 60; s++) await store.write([add(s, seededBytes(s, 1024), s % 3 === 0 ? D : Q)]);
      await store.write([{ op: 'update', container: Q, seq: 2, redeliveryCount: 4, deliverAt: 0 }]);
      for (const seq of [1, 4, 5]) await store.write([{ op: 'remove', container: Q, seq }]);
      expect(store.stats().checkpoints).toBeGreaterThan(0);
      // After the last checkpoint: more adds, a removal of a message the checkpoint holds, an update.
      const checkpointed = await readFile(join(dir, CHECKPOINT));
      for (let s = 61; s <= 64; s++) await store.write([add(s, seededBytes(s, 1024))]);
      await store.write([{ op: 'remove', container: Q, seq: 7 }]);
      await store.write([{ op: 'update', container: Q, seq: 8, redeliveryCount: 2, deliverAt: 0 }]);
      expect(await readFile(join(dir, CHECKPOINT))).toEqual(checkpointed);
      const crashed = await crashCopy(dir, true);
      const { store: again, recovery } = await openStore(crashed, segmentSize);
      expect(again.stats().replayedBytes).toBeLessThan((await diskBytes(crashed)) / 2);
      expect(recovery.subscriptions).toEqual([subscription]);
      expect(recovery.lastSeq).toBe(64);
      const queued = Array.from({ length: 64 }, (_, i) => i + 1).filter((s) => (s > 60 || s % 3 !== 0) && ![1, 4, 5, 7].includes(s));
      expect(recovery.containers.get(Q)).toBe(queued.length);
      const page = await again.load(Q, 0, 100);
      expect(seqsOf(page)).toEqual(queued);
      for (const m of page) expect(Buffer.from(m.body).equals(Buffer.from(seededBytes(m.seq, 1024)))).toBe(true);
      // JMS 2.0 §3.4.7: crashed, so every waiting message counts as possibly delivered; explicit counts stay.
      expect(page.find((m) => m.seq === 2)?.redeliveryCount).toBe(4);
      expect(page.find((m) => m.seq === 8)?.redeliveryCount).toBe(2);
      expect(seqsOf(await again.load(D, 0, 100))).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 3));
    });

    it('a clean close leaves a checkpoint: the next open() reads no segment bytes and finds nothing to repair', async () => {
      const dir = await freshDir();
      const { store } = await openStore(dir);
      for (let s = 1; s <= 5; s++) await store.write([add(s)]);
      await store.close();
      const { store: again, recovery } = await openStore(dir);
      expect(recovery.warnings).toEqual([]);
      expect(again.stats().replayedBytes).toBe(0);
      expect((await again.load(Q, 0, 10)).map((m) => [m.seq, m.redeliveryCount])).toEqual([1, 2, 3, 4, 5].map((s) => [s, 0]));
    });

    it('a corrupt checkpoint is not used: open() warns and replays the whole journal', async () => {
      const dir = await freshDir();
      const { store } = await openStore(dir);
      for (let s = 1; s <= 5; s++) await store.write([add(s)]);
      await store.close();
      const bytes = await readFile(join(dir, CHECKPOINT));
      bytes[bytes.length >> 1]! ^= 0x10;
      await writeFile(join(dir, CHECKPOINT), bytes);
      const { store: again, recovery } = await openStore(dir);
      expect(recovery.warnings).toEqual([expect.stringMatching(/checkpoint is not used \(checksum mismatch\); replayed the whole journal/)]);
      expect(again.stats().replayedBytes).toBeGreaterThan(0);
      expect(seqsOf(await again.load(Q, 0, 10))).toEqual([1, 2, 3, 4, 5]);
    });

    it('a checkpoint older than a segment deletion is not used, so messages removed after it never come back', async () => {
      const dir = await freshDir();
      const segmentSize = 8192;
      const { store } = await openStore(dir, segmentSize);
      // Nearly fills journal-1.log, so that message 4 starts journal-2.log.
      for (let s = 1; s <= 3; s++) await store.write([add(s, seededBytes(s, 2400))]);
      await store.close();
      const old = await readFile(join(dir, CHECKPOINT)); // places messages 1-3 in journal-1.log
      const { store: second } = await openStore(dir, segmentSize);
      await second.write([1, 2, 3].map((seq) => ({ op: 'remove' as const, container: Q, seq })));
      for (let s = 4; s <= 20; s++) await second.write([add(s, seededBytes(s, 1000))]);
      await second.close();
      expect(await segmentFiles(dir)).not.toContain('journal-1.log');
      // A crash before the checkpoint that follows the deletion would leave the old one.
      await writeFile(join(dir, CHECKPOINT), old);
      const { store: third, recovery } = await openStore(dir, segmentSize);
      expect(recovery.warnings).toEqual([]);
      expect(seqsOf(await third.load(Q, 0, 100))).toEqual(Array.from({ length: 17 }, (_, i) => i + 4));
    });

    it('as a queue drains and its segments are deleted, the checkpoint follows, so a crash then still restarts from one', async () => {
      const dir = await freshDir();
      const segmentSize = 64 * 1024;
      const { store } = await openStore(dir, segmentSize);
      for (let s = 1; s <= 130; s++) await store.write([add(s, seededBytes(s, 1024))]);
      const rolledCheckpoints = store.stats().checkpoints;
      for (let s = 1; s <= 120; s++) await store.write([{ op: 'remove', container: Q, seq: s }]);
      // Small, so that no segment rolls over: only the deletions call for a new checkpoint.
      for (let s = 151; s <= 210; s++) await store.write([add(s, seededBytes(s, 100))]);
      expect(store.stats().segmentsDeleted).toBeGreaterThan(0);
      expect(store.stats().segmentsCreated).toBe(3);
      expect(store.stats().checkpoints).toBeGreaterThan(rolledCheckpoints);
      const crashed = await crashCopy(dir, true);
      const { store: fromCheckpoint, recovery } = await openStore(crashed, segmentSize);
      const expected = [...Array.from({ length: 10 }, (_, i) => i + 121), ...Array.from({ length: 60 }, (_, i) => i + 151)];
      expect(seqsOf(await fromCheckpoint.load(Q, 0, 100))).toEqual(expected);
      expect(recovery.warnings.filter((w) => /checkpoint/.test(w))).toEqual([]);
      const replayed = fromCheckpoint.stats().replayedBytes;
      await fromCheckpoint.close();
      const { store: whole } = await openStore(await crashCopy(dir), segmentSize, undefined, { checkpoint: false });
      expect(seqsOf(await whole.load(Q, 0, 100))).toEqual(expected);
      expect(replayed).toBeLessThan(whole.stats().replayedBytes);
    });

    it('a damaged record before the checkpoint is found when its message is paged in: load() rejects with STORE_CORRUPT instead of delivering it', async () => {
      const dir = await freshDir();
      const { store } = await openStore(dir);
      for (let s = 1; s <= 10; s++) await store.write([add(s, seededBytes(s, 500))]);
      await store.close();
      const file = join(dir, 'journal-1.log');
      const bytes = await readFile(file);
      const at = bytes.indexOf(Buffer.from(seededBytes(5, 500)));
      expect(at).toBeGreaterThan(0);
      bytes[at + 250]! ^= 0x01;
      await writeFile(file, bytes);
      const { store: again, recovery } = await openStore(dir);
      expect(recovery.containers.get(Q)).toBe(10);
      expect(seqsOf(await again.load(Q, 0, 4))).toEqual([1, 2, 3, 4]);
      const err = await again.load(Q, 0, 10).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_CORRUPT');
      expect((err as StoreError).message).toMatch(/message 5 in journal-1\.log/);
    });
  });
});
