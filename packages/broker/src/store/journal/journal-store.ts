import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  StoreError,
  type MessageStore,
  type StoredMessage,
  type StoreOp,
  type StoreRecovery,
  type StoreUsage,
} from '../message-store.js';
import { DirectoryLock } from './directory-lock.js';
import { appendFlags, closeFile, datasync, openFile, renameFile, syncDirectory, truncateFile, unlinkFile, writeAll } from './file-io.js';
import type { JournalIndex } from './journal-index.js';
import { decodeAddOp, FieldReader } from './record-decoder.js';
import { encodeBatch, encodeCleanShutdown, encodeSegmentHeader, encodeSuspect, type EncodedRecord } from './record-encoder.js';
import { encodeCheckpoint, loadCheckpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.js';
import { crc32 } from './crc32.js';
import { preallocateFile } from './preallocation.js';
import {
  isPreallocationFileName,
  parseSegmentFileName,
  preallocationFileName,
  RECORD_HEADER_SIZE,
  RecordType,
  segmentFileName,
} from './record-format.js';
import { applyToIndex, listSegments, replayJournal, type ReplayStart } from './replay.js';
import { SegmentReaders, SegmentRetiredError } from './segment-readers.js';

/** Default segment size: 32 MiB, as KahaDB's `journalMaxFileLength`. */
export const DEFAULT_SEGMENT_SIZE = 32 * 1024 * 1024;

/**
 * How long a lazy write (see {@link MessageStore.writeLazily}) may wait for an awaited write's
 * commit to join before it is committed on its own. Under load a commit comes sooner; idle, this
 * bounds what a crash can undo (auto-acknowledged messages delivered again).
 */
export const LAZY_COMMIT_MS = 5;
/** Messages whose records are this close on disk are read with one read call. */
const READ_MERGE_GAP = 4096;
const MAX_READ_RUN = 1024 * 1024;

/** Where the journal reports problems that are not an answer to a call (e.g. a segment it could not delete). */
export interface JournalLogger {
  warn(message: string): void;
}

/** Options of {@link JournalMessageStore}. */
export interface JournalMessageStoreOptions {
  /** Directory of the segment files; created if missing. One store per directory. */
  directory: string;
  /** Size at which a new segment file is started, in bytes (`journalMaxFileLength`). Default 32 MiB. */
  segmentSize?: number;
  /**
   * Bytes the waiting messages may take (`storeUsage`). A write that adds messages beyond it rejects
   * with `STORE_FULL` and applies nothing; writes that only remove are always accepted, so consumers
   * can free space.
   */
  storeLimit?: number;
  /**
   * False: a write resolves once it is written, without `fdatasync`. For a store whose contents need
   * not survive a crash (the temporary store of non-persistent messages), where syncing would only
   * slow producers down. Default true.
   */
  sync?: boolean;
  /**
   * True: segment files found at `open()` are deleted instead of replayed, so the store starts empty
   * (the temporary store: non-persistent messages do not survive a restart). Default false.
   */
  discardOnOpen?: boolean;
  /**
   * True: every segment file is written full of zeros to `segmentSize` before it is used (the next one
   * in the background while the current one fills), so that a commit's sync flushes data only. Costs up
   * to two segments of disk beyond what the records use. Default: the value of `sync`.
   */
  preallocate?: boolean;
  /**
   * True: the in-memory index is written to a checkpoint file now and then (at a segment rollover once the
   * journal has grown by four times the last checkpoint's size since it, and at `close()`), so that
   * `open()` replays only the records after it. Default: true when `sync` is and `discardOnOpen` is not.
   */
  checkpoint?: boolean;
  /** How long a lazy write may wait for a commit to join; default {@link LAZY_COMMIT_MS}. */
  lazyCommitMs?: number;
  logger?: JournalLogger;
}

/** Counters for benchmarks and metrics; all grow from zero at `open()`. */
export interface JournalStats {
  /** Synchronous commits of writes: writes through an `O_DSYNC` descriptor, or `fdatasync` calls. */
  fsyncs: number;
  /** Records (one per `write()` call) made durable. */
  records: number;
  /** Ops made durable. */
  ops: number;
  /** Bytes appended to segment files. */
  bytesWritten: number;
  /** Group writes, each one `writev` plus one `fdatasync`. */
  groupWrites: number;
  segmentsCreated: number;
  segmentsDeleted: number;
  /** Segment files existing now. */
  segments: number;
  /** Writes rejected because of an I/O error, a full disk or the store limit. */
  failedWrites: number;
  /** Index checkpoints written. */
  checkpoints: number;
  /** Bytes of segment files `open()` read to rebuild the index: all of them, or those after the checkpoint. */
  replayedBytes: number;
}

interface PendingWrite {
  ops: readonly StoreOp[];
  record: EncodedRecord;
  resolve: () => void;
  reject: (err: StoreError) => void;
}

interface CurrentSegment {
  id: number;
  fd: number;
  /** End of the last durable record: where the next write goes, and where a failed write is cut back to. */
  offset: number;
}

/**
 * The embedded persistent store: an append-only journal of segment files with group commit, and an
 * in-memory index of where each waiting message is. Bodies stay on disk; {@link load} reads them back.
 *
 * Every `write()` is one checksummed record. Calls that arrive while a write is in progress are
 * written together with one `writev` and made durable with one `fdatasync`; each caller's promise
 * resolves only after the sync that covers its record, so a resolved write survives a crash of the
 * process or of the machine.
 *
 * Segment files are preallocated (written full of zeros before use, the next one in the background),
 * so that a commit changes no file size and its sync flushes data only; the descriptor appended through
 * is `O_DSYNC`, so one `writev` is the whole commit. Now and then the index is written to a checkpoint
 * file (`checkpoint.ts`), and `open()` replays only the records after it; messages placed by the
 * checkpoint have their record's CRC checked when {@link load} reads them.
 *
 * The on-disk format is described in `record-format.ts`, the segment deletion rule in `journal-index.ts`,
 * recovery from torn or damaged records in `replay.ts`.
 */
export class JournalMessageStore implements MessageStore {
  private readonly directory: string;
  private readonly segmentSize: number;
  private readonly storeLimit: number | undefined;
  private readonly logger: JournalLogger | undefined;
  private readonly sync: boolean;
  private readonly discardOnOpen: boolean;
  private readonly preallocate: boolean;
  /** The next segment, being preallocated in the background; resolves false when that failed. */
  private prepared: { id: number; ready: Promise<boolean> } | undefined;
  private readonly readers: SegmentReaders;
  private state: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  private index!: JournalIndex;
  private current!: CurrentSegment;
  private queue: PendingWrite[] = [];
  /** Bytes of adds accepted but not yet durable, counted against the store limit. */
  private pendingAddBytes = 0;
  private flushing = false;
  /** The queue holds a write whose caller waits for it (not only lazy ones). */
  private awaitedQueued = false;
  /** Lazy writes have waited {@link LAZY_COMMIT_MS}: the next loop commits them. */
  private lazyDue = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  private flushed: Promise<void> = Promise.resolve();
  private markFlushed: () => void = () => undefined;
  /** Set after a failed write that could not be cut back: the next write starts a new segment. */
  private mustRoll = false;
  private deletions: Promise<void> = Promise.resolve();
  private lock: DirectoryLock | undefined;
  private closing: Promise<void> | undefined;
  private readonly counters: JournalStats = {
    fsyncs: 0,
    records: 0,
    ops: 0,
    bytesWritten: 0,
    groupWrites: 0,
    segmentsCreated: 0,
    segmentsDeleted: 0,
    segments: 0,
    failedWrites: 0,
    checkpoints: 0,
    replayedBytes: 0,
  };
  private readonly checkpoints: boolean;
  private readonly lazyCommitMs: number;
  private checkpointWrite: Promise<void> | undefined;
  /** Journal bytes written when the last checkpoint was taken, and that checkpoint's size. */
  private checkpointAt = { journalBytes: 0, bytes: 0 };
  private rolledSinceCheckpoint = false;
  /** Segments the last checkpoint places waiting messages in: deleting one makes that checkpoint unusable. */
  private checkpointNeeds = new Set<number>();
  private checkpointStale = false;

  constructor(options: JournalMessageStoreOptions) {
    this.directory = options.directory;
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    // Offsets inside a segment are kept as u32 in the index.
    if (!Number.isInteger(this.segmentSize) || this.segmentSize < 1024 || this.segmentSize > 2 ** 31) {
      throw new RangeError(`segmentSize must be an integer from 1024 to 2^31 bytes, not ${this.segmentSize}`);
    }
    this.storeLimit = options.storeLimit;
    this.logger = options.logger;
    this.sync = options.sync ?? true;
    this.discardOnOpen = options.discardOnOpen ?? false;
    this.preallocate = options.preallocate ?? this.sync;
    this.checkpoints = options.checkpoint ?? (this.sync && !this.discardOnOpen);
    this.lazyCommitMs = options.lazyCommitMs ?? LAZY_COMMIT_MS;
    this.readers = new SegmentReaders((id) => this.pathOf(id));
  }

  async open(): Promise<StoreRecovery> {
    if (this.state !== 'new') throw new StoreError('STORE_IO', 'the journal store was already opened');
    this.state = 'opening';
    try {
      await mkdir(this.directory, { recursive: true });
      this.lock = await DirectoryLock.acquire(this.directory);
      // Under the lock, so that no other store is using the files being deleted.
      await removeLeftovers(this.directory, this.discardOnOpen);
      await removeCheckpoint(this.directory, this.discardOnOpen);
      const segments = await listSegments(this.directory);
      const warnings: string[] = [];
      let start: ReplayStart | undefined;
      if (this.checkpoints) {
        const loaded = await loadCheckpoint(this.directory, segments);
        start = loaded.start;
        if ('unusable' in loaded) warnings.push(`journal: the index checkpoint is not used (${loaded.unusable}); replayed the whole journal`);
        if (start) {
          for (const [seg, live] of start.index.liveCount) if (live > 0) this.checkpointNeeds.add(seg);
        }
      }
      const replay = await replayJournal(this.directory, segments, start);
      warnings.push(...replay.warnings);
      this.counters.replayedBytes = replay.bytesRead;
      this.index = replay.index;
      // After a whole replay, the next commit writes a checkpoint, so that the next restart is quick.
      if (this.checkpoints && !start && (this.index.containers.size > 0 || this.index.subscriptions.size > 0)) this.checkpointStale = true;
      if (replay.tail) {
        const fd = await openFile(this.pathOf(replay.tail.segment), appendFlags(this.sync, false));
        this.current = { id: replay.tail.segment, fd, offset: replay.tail.offset };
      } else {
        this.current = await this.createSegment(1);
      }
      const containers = this.index.counts();
      if (!replay.cleanShutdown && containers.size > 0) {
        await this.markSuspect(this.index.lastSeq);
        let waiting = 0;
        for (const n of containers.values()) waiting += n;
        warnings.push(
          `journal: the broker was not stopped cleanly; the ${waiting} messages waiting may have been delivered before and are marked redelivered`,
        );
      }
      this.state = 'open';
      this.scheduleDeletions();
      return {
        containers,
        subscriptions: [...this.index.subscriptions.values()].map((s) => s.record),
        lastSeq: this.index.lastSeq,
        warnings,
      };
    } catch (err) {
      this.state = 'closed';
      const opened = this.current as CurrentSegment | undefined;
      if (opened) await closeFile(opened.fd).catch(() => undefined);
      await this.lock?.release();
      if (err instanceof StoreError) throw err;
      throw new StoreError('STORE_IO', `cannot open the journal in ${this.directory}: ${(err as Error).message}`, { cause: err });
    }
  }

  write(ops: StoreOp[]): Promise<void> {
    return this.enqueue(ops, false);
  }

  /** See {@link MessageStore.writeLazily}: held back at most `lazyCommitMs` for a commit to join. */
  writeLazily(ops: StoreOp[]): Promise<void> {
    return this.enqueue(ops, true);
  }

  private enqueue(ops: StoreOp[], lazy: boolean): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new StoreError('STORE_CLOSED', 'the journal store is not open'));
    if (ops.length === 0) return Promise.resolve();
    let record: EncodedRecord;
    try {
      record = encodeBatch(ops);
    } catch (err) {
      return Promise.reject(new StoreError('STORE_IO', `cannot encode the batch: ${(err as Error).message}`, { cause: err }));
    }
    if (this.storeLimit !== undefined && record.addBytes > 0 && this.index.usageBytes + this.pendingAddBytes + record.addBytes > this.storeLimit) {
      this.counters.failedWrites++;
      return Promise.reject(
        new StoreError('STORE_FULL', `the store limit of ${this.storeLimit} bytes is reached (${this.index.usageBytes + this.pendingAddBytes} bytes used)`),
      );
    }
    this.pendingAddBytes += record.addBytes;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ops, record, resolve, reject });
      if (!lazy) this.awaitedQueued = true;
      if (this.flushing) return;
      if (this.awaitedQueued) this.startFlushing();
      else this.lazyTimer ??= setTimeout(this.onLazyDue, this.lazyCommitMs);
    });
  }

  private startFlushing(): void {
    if (this.lazyTimer !== undefined) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    this.flushing = true;
    this.flushed = new Promise((r) => (this.markFlushed = r));
    // Started from a microtask so that every write() of the current tick joins the first group.
    queueMicrotask(() => void this.flushLoop());
  }

  /** Lazy writes have waited long enough: commit them even if no awaited write comes. */
  private readonly onLazyDue = (): void => {
    this.lazyTimer = undefined;
    this.lazyDue = true;
    if (!this.flushing && this.queue.length > 0) this.startFlushing();
  };

  async load(container: string, afterSeq: number, max: number): Promise<StoredMessage[]> {
    if (this.state !== 'open' && this.state !== 'closing') throw new StoreError('STORE_CLOSED', 'the journal store is not open');
    const c = this.index.containers.get(container);
    if (!c || max <= 0) return [];
    // Whole records are read, so that each one's CRC is checked before its message is handed out.
    const runs: { seg: number; start: number; end: number; items: { seq: number; off: number; len: number; rec: number; rlen: number }[] }[] = [];
    c.forEachAfter(afterSeq, max, (seq, seg, off, len, rec, rlen) => {
      const last = runs[runs.length - 1];
      const item = { seq, off, len, rec, rlen };
      if (last && last.seg === seg && rec >= last.start && rec + rlen <= last.end) {
        last.items.push(item); // another message of a record already read
      } else if (last && last.seg === seg && rec >= last.end && rec - last.end <= READ_MERGE_GAP && rec + rlen - last.start <= MAX_READ_RUN) {
        last.end = rec + rlen;
        last.items.push(item);
      } else {
        runs.push({ seg, start: rec, end: rec + rlen, items: [item] });
      }
    });
    const out: StoredMessage[] = [];
    const buffers = await Promise.all(
      runs.map((run) =>
        this.readers.read(run.seg, run.start, run.end - run.start).catch((err: unknown) => {
          if (err instanceof SegmentRetiredError) return undefined;
          throw new StoreError('STORE_IO', `cannot read ${segmentFileName(run.seg)}: ${(err as Error).message}`, { cause: err });
        }),
      ),
    );
    for (const [i, run] of runs.entries()) {
      const buf = buffers[i];
      if (!buf) {
        // The segment was deleted while reading, which happens only once all its messages are removed.
        if (run.items.some((it) => c.segmentOf(it.seq) >= 0)) throw new StoreError('STORE_IO', `${segmentFileName(run.seg)} vanished while messages in it wait`);
        continue;
      }
      let checked = -1;
      for (const it of run.items) {
        if (it.rec !== checked) {
          const r = it.rec - run.start;
          if (it.rlen < RECORD_HEADER_SIZE || buf.readUInt32LE(r) !== it.rlen - RECORD_HEADER_SIZE || crc32(buf, r + 8, r + it.rlen) !== buf.readUInt32LE(r + 4)) {
            throw new StoreError('STORE_CORRUPT', `message ${it.seq} in ${segmentFileName(run.seg)} is damaged: its record at offset ${it.rec} fails its checksum`);
          }
          checked = it.rec;
        }
        const at = it.off - run.start;
        let message: StoredMessage;
        try {
          message = decodeAddOp(new FieldReader(buf, at, at + it.len)).message;
        } catch (err) {
          throw new StoreError('STORE_CORRUPT', `message ${it.seq} in ${segmentFileName(run.seg)} does not decode: ${(err as Error).message}`, { cause: err });
        }
        const upd = c.updates.get(it.seq);
        if (upd) {
          message.redeliveryCount = upd[0];
          message.deliverAt = upd[1];
        }
        // JMS 2.0 §3.4.7 lets JMSRedelivered be set when an earlier delivery is likely but not certain;
        // after a crash, saying so is what lets consumers catch the duplicates at-least-once implies.
        if (it.seq <= this.index.suspectUpTo && message.redeliveryCount === 0) message.redeliveryCount = 1;
        out.push(message);
      }
    }
    return out;
  }

  count(container: string): number {
    return this.index?.containers.get(container)?.size ?? 0;
  }

  usage(): StoreUsage {
    return { bytes: this.index ? this.index.usageBytes : 0 };
  }

  /** Counters since `open()`: e.g. `ops / fsyncs` is the messages made durable per fsync. */
  stats(): JournalStats {
    return { ...this.counters, segments: this.index ? this.index.liveCount.size : 0 };
  }

  close(): Promise<void> {
    if (this.state === 'new') this.state = 'closed';
    if (this.state !== 'open') return this.closing ?? Promise.resolve();
    this.state = 'closing';
    this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    // Lazy writes held back are committed now rather than when their timer fires.
    if (!this.flushing && this.queue.length > 0) this.startFlushing();
    await this.flushed;
    await this.deletions;
    await this.discardPrepared();
    await this.checkpointWrite;
    if ((await this.markCleanShutdown()) && this.checkpoints) {
      try {
        await this.writeCheckpointNow(RecordType.CLEAN_SHUTDOWN);
      } catch (err) {
        this.logger?.warn(`journal: cannot write the index checkpoint: ${(err as Error).message}`);
      }
    }
    await this.readers.closeAll();
    await closeFile(this.current.fd).catch(() => undefined);
    await this.lock?.release();
    this.state = 'closed';
  }

  /**
   * Records, durably, that messages up to `seq` may have been delivered before a crash. Runs before
   * any write, so it goes straight to the file.
   */
  private async markSuspect(seq: number): Promise<void> {
    const cur = this.current;
    this.index.suspectUpTo = Math.max(this.index.suspectUpTo, seq);
    const chunks: Uint8Array[] = [];
    if (cur.offset === 0) chunks.push(encodeSegmentHeader(cur.id, this.index.lastSeq, this.index.suspectUpTo));
    chunks.push(encodeSuspect(this.index.suspectUpTo));
    let length = 0;
    for (const c of chunks) length += c.length;
    await writeAll(cur.fd, chunks, cur.offset);
    await datasync(cur.fd);
    cur.offset += length;
  }

  /** Appends the record that tells the next `open()` that nothing was in flight; false when that failed. */
  private async markCleanShutdown(): Promise<boolean> {
    const cur = this.current;
    const chunks: Uint8Array[] = [];
    if (cur.offset === 0) chunks.push(encodeSegmentHeader(cur.id, this.index.lastSeq, this.index.suspectUpTo));
    chunks.push(encodeCleanShutdown());
    let length = 0;
    for (const c of chunks) length += c.length;
    try {
      await writeAll(cur.fd, chunks, cur.offset);
      await datasync(cur.fd);
      cur.offset += length;
      return true;
    } catch (err) {
      // Harmless: the next open() then assumes a crash and marks waiting messages redelivered.
      this.logger?.warn(`journal: cannot record the clean shutdown: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * Takes a checkpoint when one is due: at the end of a group commit, where the index holds exactly the
   * records up to the current offset. Due after a rollover, or after deleting a segment the last checkpoint
   * needs, once the journal has grown by four times the size of the last checkpoint: that keeps the
   * checkpoints' writes to a fraction of the journal's, and what `open()` replays after one bounded.
   */
  private maybeCheckpoint(): void {
    if (!this.checkpoints || !(this.rolledSinceCheckpoint || this.checkpointStale) || this.checkpointWrite !== undefined) return;
    if (this.counters.bytesWritten - this.checkpointAt.journalBytes < 4 * this.checkpointAt.bytes) return;
    this.checkpointWrite = this.writeCheckpointNow(RecordType.BATCH)
      .catch((err: unknown) => this.logger?.warn(`journal: cannot write the index checkpoint: ${(err as Error).message}`))
      .finally(() => (this.checkpointWrite = undefined));
  }

  /** Serializes the index now (synchronously, as covering the current offset) and writes it. */
  private writeCheckpointNow(lastType: number): Promise<void> {
    const image = encodeCheckpoint(this.index, this.current.id, this.current.offset, lastType);
    this.checkpointAt = { journalBytes: this.counters.bytesWritten, bytes: image.bytes };
    this.rolledSinceCheckpoint = false;
    this.checkpointStale = false;
    this.checkpointNeeds = new Set();
    for (const [seg, live] of this.index.liveCount) if (live > 0) this.checkpointNeeds.add(seg);
    return writeCheckpoint(this.directory, image).then(() => {
      this.counters.checkpoints++;
    });
  }

  private pathOf(id: number): string {
    return join(this.directory, segmentFileName(id));
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      if (!this.awaitedQueued && !this.lazyDue && this.state === 'open') {
        // Only writes nobody waits for are queued: they join the next commit, or go when due.
        this.lazyTimer ??= setTimeout(this.onLazyDue, this.lazyCommitMs);
        break;
      }
      const group = this.queue;
      this.queue = [];
      this.awaitedQueued = false;
      this.lazyDue = false;
      if (this.lazyTimer !== undefined) {
        clearTimeout(this.lazyTimer);
        this.lazyTimer = undefined;
      }
      await this.commitGroup(group);
      // Let the callers just resolved react (their next writes are a few promise hops away) before
      // taking the next group, so that it is a full one rather than the first few stragglers.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.flushing = false;
    this.markFlushed();
  }

  /** Writes a group: one writev and one fdatasync per segment it lands in (one, except at a rollover). */
  private async commitGroup(group: PendingWrite[]): Promise<void> {
    let i = 0;
    while (i < group.length) {
      try {
        if (this.mustRoll || (this.current.offset > 0 && this.current.offset + group[i]!.record.length > this.segmentSize)) {
          await this.roll();
        }
      } catch (err) {
        this.fail(group.slice(i), err);
        return;
      }
      const cur = this.current;
      const chunks: Uint8Array[] = [];
      let length = 0;
      if (cur.offset === 0) {
        const header = encodeSegmentHeader(cur.id, this.index.lastSeq, this.index.suspectUpTo);
        chunks.push(header);
        length += header.length;
      }
      const runStart = i;
      const starts: number[] = [];
      do {
        const rec = group[i]!.record;
        starts.push(cur.offset + length);
        for (const c of rec.chunks) chunks.push(c);
        length += rec.length;
        i++;
      } while (i < group.length && cur.offset + length + group[i]!.record.length <= this.segmentSize);
      const run = group.slice(runStart, i);
      try {
        // The descriptor is O_DSYNC when syncing: the write returns once the group is durable.
        await writeAll(cur.fd, chunks, cur.offset);
      } catch (err) {
        await this.cutBack(cur);
        this.fail(group.slice(runStart), err);
        return;
      }
      cur.offset += length;
      if (this.preallocate && !this.prepared && cur.offset >= this.segmentSize / 2) this.prepareNext(cur.id + 1);
      if (this.sync) this.counters.fsyncs++;
      this.counters.groupWrites++;
      this.counters.bytesWritten += length;
      for (const [k, w] of run.entries()) this.apply(w, cur.id, starts[k]!);
    }
    if (this.index.dirty) this.scheduleDeletions();
    this.maybeCheckpoint();
  }

  /** Updates the index for a durable record and resolves its caller. */
  private apply(w: PendingWrite, seg: number, recordStart: number): void {
    const index = this.index;
    let addNo = 0;
    for (const op of w.ops) {
      if (op.op === 'add') {
        const loc = w.record.adds[addNo++]!;
        index.add(op.container, op.message.seq, op.message.priority, seg, recordStart + loc.offset, loc.length, recordStart, w.record.length);
      } else {
        applyToIndex(index, op, seg);
      }
    }
    this.pendingAddBytes -= w.record.addBytes;
    this.counters.records++;
    this.counters.ops += w.ops.length;
    w.resolve();
  }

  private fail(writes: PendingWrite[], err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code;
    const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
    const error = new StoreError(full ? 'STORE_FULL' : 'STORE_IO', `journal write failed: ${(err as Error).message}`, { cause: err });
    for (const w of writes) {
      this.pendingAddBytes -= w.record.addBytes;
      this.counters.failedWrites++;
      w.reject(error);
    }
  }

  /**
   * After a failed write, removes whatever part of it reached the file, so that it can never be
   * replayed as a record the caller was told failed. If that is impossible the segment is abandoned:
   * its tail is then garbage that replay reports and skips, and the next write starts a new segment.
   */
  private async cutBack(cur: CurrentSegment): Promise<void> {
    try {
      await truncateFile(cur.fd, cur.offset);
      await datasync(cur.fd);
    } catch (err) {
      this.mustRoll = true;
      this.logger?.warn(`journal: cannot cut ${segmentFileName(cur.id)} back to ${cur.offset} bytes after a failed write (${(err as Error).message}); starting a new segment`);
    }
  }

  private async roll(): Promise<void> {
    const next = await this.createSegment(this.current.id + 1);
    const old = this.current;
    this.current = next;
    this.mustRoll = false;
    this.rolledSinceCheckpoint = true;
    await closeFile(old.fd).catch(() => undefined);
    // The old segment may now be deletable: it no longer receives writes.
    this.index.dirty = true;
  }

  private async createSegment(id: number): Promise<CurrentSegment> {
    // Not O_EXCL: ids only grow, and an existing file of that name can only be a leftover of a failed creation.
    const path = this.pathOf(id);
    if (this.preallocate) {
      const prepared = this.prepared;
      this.prepared = undefined;
      const renamed =
        prepared?.id === id &&
        (await prepared.ready) &&
        (await renameFile(join(this.directory, preallocationFileName(id)), path).then(
          () => true,
          () => false,
        ));
      if (!renamed) {
        if (prepared) await this.dropPreparation(prepared);
        // In place: a crash meanwhile leaves a segment of zeros, which replays as an empty segment.
        await preallocateFile(path, this.segmentSize).catch(async (err: unknown) => {
          await unlinkFile(path).catch(() => undefined);
          throw err;
        });
      }
    }
    const fd = await openFile(path, appendFlags(this.sync, !this.preallocate));
    try {
      await syncDirectory(this.directory);
    } catch (err) {
      await closeFile(fd).catch(() => undefined);
      throw err;
    }
    this.index.addSegment(id);
    this.counters.segmentsCreated++;
    return { id, fd, offset: 0 };
  }

  /** Starts preallocating segment `id` under a name replay ignores, so that rolling over to it costs only a rename. */
  private prepareNext(id: number): void {
    const ready = preallocateFile(join(this.directory, preallocationFileName(id)), this.segmentSize).then(
      () => true,
      (err: unknown) => {
        this.logger?.warn(`journal: cannot preallocate ${segmentFileName(id)} in advance (${(err as Error).message}); it will be created when needed`);
        return false;
      },
    );
    this.prepared = { id, ready };
  }

  private async dropPreparation(prepared: { id: number; ready: Promise<boolean> }): Promise<void> {
    await prepared.ready;
    await unlinkFile(join(this.directory, preallocationFileName(prepared.id))).catch(() => undefined);
  }

  private async discardPrepared(): Promise<void> {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (prepared) await this.dropPreparation(prepared);
  }

  private scheduleDeletions(): void {
    this.deletions = this.deletions
      .then(() => this.deleteUnneededSegments())
      .catch((err: unknown) => this.logger?.warn(`journal: segment clean-up failed: ${(err as Error).message}`));
  }

  private async deleteUnneededSegments(): Promise<void> {
    this.index.dirty = false;
    for (const seg of this.index.deletableSegments(this.current.id)) {
      try {
        await this.readers.retire(seg);
        await unlinkFile(this.pathOf(seg));
        // Deletions are made durable one by one, oldest first, so that no crash can keep a segment of
        // adds while losing the segment of their removes.
        await syncDirectory(this.directory);
      } catch (err) {
        this.logger?.warn(`journal: cannot delete ${segmentFileName(seg)}: ${(err as Error).message}`);
        return;
      }
      this.index.dropSegment(seg);
      this.counters.segmentsDeleted++;
      // As a queue drains, the checkpoint must follow, or a crash would mean replaying everything.
      if (this.checkpointNeeds.has(seg)) this.checkpointStale = true;
    }
  }
}

/** Deletes unfinished preallocations and, with `segmentsToo`, the segment files (the lock and any other file stay). */
async function removeLeftovers(directory: string, segmentsToo: boolean): Promise<void> {
  for (const name of await readdir(directory)) {
    if (isPreallocationFileName(name) || (segmentsToo && parseSegmentFileName(name) !== undefined)) await unlinkFile(join(directory, name));
  }
}
