import { stat } from 'node:fs/promises';
import { MemoryUsage, messageBytes } from '../core/memory-usage.js';
import { JournalMessageStore, type JournalLogger } from './journal/index.js';
import { MemoryMessageStore } from './memory-store.js';
import { mergeBySeq } from './merge-by-seq.js';
import {
  type CursorMemory,
  durableContainer,
  StoreError,
  type StoreUsage,
  type StoredMessage,
  type StoreOp,
  type StoreRecovery,
} from './message-store.js';

type AddOp = Extract<StoreOp, { op: 'add' }>;

/** Options of {@link SpoolingMessageStore}. */
export interface SpoolingMessageStoreOptions {
  /** Directory of the temporary store (ActiveMQ's `<dataDirectory>/tmp_storage`); emptied at open. */
  directory: string;
  /**
   * The broker's memory usage (`systemUsage.memoryLimit`, with destinations' policy limits as
   * children). Messages kept in memory count against it; a message whose destination's usage is
   * full goes to disk instead.
   */
  memory: MemoryUsage;
  /**
   * Bytes the messages on disk may take (`systemUsage.tempLimit`): {@link SpoolingMessageStore.temp}
   * is full there; writes to disk fail with `STORE_FULL` at twice it. 0 = no limit.
   */
  tempLimit: number;
  /** Backstop for the bytes held in memory (see {@link MemoryMessageStore}); 0 = no limit. */
  memoryLimitBytes?: number;
  /** Segment size of the temporary journal; default the journal's. */
  segmentSize?: number;
  logger?: JournalLogger;
}

/**
 * The store of non-persistent messages on a broker with a disk store, like ActiveMQ's file
 * pending-message cursor: messages stay in memory while their destination's memory usage has room,
 * and the rest spill to a journal in the temporary directory, written without fsync (nothing of it
 * survives a restart anyway) and bounded by `tempLimit` ({@link temp}).
 *
 * Once a container has messages on disk, its new messages go to disk too until those are gone, so
 * that messages of one producer are never overtaken by later ones that found room in memory.
 *
 * It is a {@link MemoryMessageStore} (its in-memory part), so the broker uses it wherever it used that.
 */
export class SpoolingMessageStore extends MemoryMessageStore {
  /** Bytes on disk against `tempLimit`: producers of non-persistent messages wait on it (or fail) once it is full. */
  readonly temp: MemoryUsage;
  readonly cursorMemory: CursorMemory;
  private readonly memory: MemoryUsage;
  private readonly directory: string;
  private readonly segmentSize: number | undefined;
  private readonly logger: JournalLogger | undefined;
  /** Messages on disk: seq -> bytes counted against {@link temp}, per container. */
  private readonly spooled = new Map<string, Map<number, number>>();
  private spool: Promise<JournalMessageStore> | undefined;
  private closed = false;

  constructor(options: SpoolingMessageStoreOptions) {
    super({ limitBytes: options.memoryLimitBytes ?? 0, accounting: options.memory });
    this.memory = options.memory;
    this.directory = options.directory;
    this.segmentSize = options.segmentSize;
    this.logger = options.logger;
    this.temp = new MemoryUsage(options.tempLimit, undefined, undefined, 'temp');
    const memory = options.memory;
    this.cursorMemory = {
      add: (bytes, container) => memory.add(bytes, container),
      release: (bytes, container) => memory.release(bytes, container),
      room: (container) => memory.usageOf(container).available,
    };
  }

  override async open(): Promise<StoreRecovery> {
    const recovery = await super.open();
    // Leftovers of the previous run are deleted now rather than at the first spill, so that they do
    // not take disk space meanwhile; without leftovers the directory is created only when needed.
    if (await exists(this.directory)) await this.openSpool();
    return recovery;
  }

  /** Messages of `container` waiting on disk. */
  spooledCount(container: string): number {
    return this.spooled.get(container)?.size ?? 0;
  }

  override write(ops: StoreOp[]): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('STORE_CLOSED', 'the message store is not open'));
    let toDisk: StoreOp[] | undefined;
    let toMemory: StoreOp[] | undefined;
    // Every op is routed before any is applied, so that a batch refused for the temp limit applies none.
    let spillAdds: AddOp[] | undefined;
    for (const op of ops) {
      switch (op.op) {
        case 'add':
          if (this.mustSpill(op.container)) (spillAdds ??= []).push(op);
          else (toMemory ??= []).push(op);
          break;
        case 'remove':
        case 'update':
          if (this.spooled.get(op.container)?.has(op.seq)) (toDisk ??= []).push(op);
          else (toMemory ??= []).push(op);
          break;
        case 'removeSubscription': {
          (toMemory ??= []).push(op);
          const container = durableContainer(op.clientId, op.name);
          const onDisk = this.spooled.get(container);
          if (onDisk) for (const seq of onDisk.keys()) (toDisk ??= []).push({ op: 'remove', container, seq });
          break;
        }
        default:
          (toMemory ??= []).push(op);
      }
    }
    if (spillAdds) {
      const limit = this.temp.limit;
      // Producers are held back once the temp usage is full; what still arrives (the rest of a
      // chunk already read, a connection that flow control exempts) is taken up to twice the limit,
      // as the in-memory part does with memory.
      if (limit > 0 && this.temp.bytes >= 2 * limit) {
        return Promise.reject(new StoreError('STORE_FULL', `the temp store is full: twice its limit of ${limit} bytes (systemUsage tempUsage)`));
      }
      for (const op of spillAdds) this.track(op);
      toDisk = toDisk ? [...toDisk, ...spillAdds] : spillAdds;
    }
    if (!toDisk) return toMemory ? super.write(toMemory) : Promise.resolve();
    const diskOps = toDisk;
    return this.openSpool()
      .then((spool) => spool.write(diskOps))
      .then(
        () => {
          this.untrackRemoved(diskOps);
          return toMemory ? super.write(toMemory) : undefined;
        },
        (error: unknown) => {
          if (spillAdds) for (const op of spillAdds) this.untrack(op.container, op.message.seq);
          throw error;
        },
      );
  }

  /**
   * Applies `ops` in memory at once when none of them touches the disk: no add that must spill,
   * no remove or update of a spooled message. Otherwise applies nothing and returns false.
   */
  override writeNow(ops: StoreOp[]): boolean {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'the message store is not open');
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      switch (op.op) {
        case 'add':
          if (this.mustSpill(op.container)) return false;
          break;
        case 'remove':
        case 'update':
          if (this.spooled.get(op.container)?.has(op.seq)) return false;
          break;
        case 'removeSubscription':
          if (this.spooled.has(durableContainer(op.clientId, op.name))) return false;
          break;
        default:
      }
    }
    this.applyNow(ops);
    return true;
  }

  /** A new message of `container` goes to disk when the container already has some there, or its memory is full. */
  private mustSpill(container: string): boolean {
    const onDisk = this.spooled.get(container);
    return (onDisk !== undefined && onDisk.size > 0) || this.memory.usageOf(container).full;
  }

  private track(op: AddOp): void {
    let c = this.spooled.get(op.container);
    if (!c) this.spooled.set(op.container, (c = new Map()));
    if (c.has(op.message.seq)) return;
    const bytes = messageBytes(op.message.body);
    c.set(op.message.seq, bytes);
    this.temp.add(bytes);
  }

  private untrack(container: string, seq: number): void {
    const c = this.spooled.get(container);
    const bytes = c?.get(seq);
    if (!c || bytes === undefined) return;
    c.delete(seq);
    if (c.size === 0) this.spooled.delete(container);
    this.temp.release(bytes);
  }

  private untrackRemoved(ops: StoreOp[]): void {
    for (const op of ops) if (op.op === 'remove') this.untrack(op.container, op.seq);
  }

  override async load(container: string, afterSeq: number, max: number): Promise<StoredMessage[]> {
    const onDisk = this.spooled.get(container);
    if (!onDisk || onDisk.size === 0 || !this.spool) return super.load(container, afterSeq, max);
    const spool = await this.spool;
    const [a, b] = await Promise.all([super.load(container, afterSeq, max), spool.load(container, afterSeq, max)]);
    return mergeBySeq(a, b, max);
  }

  /** Bytes of the messages held, in memory and on disk. */
  override usage(): StoreUsage {
    return { bytes: super.usage().bytes + this.temp.bytes };
  }

  override count(container: string): number {
    return super.count(container) + this.spooledCount(container);
  }

  override residentInMemory(container: string, seq: number): boolean {
    return this.spooled.get(container)?.has(seq) !== true;
  }

  override dropContainer(container: string): void {
    super.dropContainer(container);
    const onDisk = this.spooled.get(container);
    if (!onDisk || !this.spool) return;
    const removes: StoreOp[] = [];
    for (const seq of onDisk.keys()) removes.push({ op: 'remove', container, seq });
    // Forgotten at once, as the in-memory part is; the disk space follows when the removes are written.
    for (const bytes of onDisk.values()) this.temp.release(bytes);
    this.spooled.delete(container);
    this.spool
      .then((spool) => spool.write(removes))
      .catch((error: unknown) => this.logger?.warn(`temp store: cannot delete the messages of ${container}: ${(error as Error).message}`));
  }

  override async close(): Promise<void> {
    this.closed = true;
    await super.close();
    if (this.spool) await (await this.spool).close();
  }

  /** Opens the temporary journal on first use, deleting what an earlier run left in it. */
  private openSpool(): Promise<JournalMessageStore> {
    if (!this.spool) {
      const journal = new JournalMessageStore({
        directory: this.directory,
        sync: false,
        discardOnOpen: true,
        ...(this.segmentSize !== undefined ? { segmentSize: this.segmentSize } : {}),
        ...(this.logger ? { logger: this.logger } : {}),
      });
      this.spool = journal.open().then(() => journal);
      // A failed open is retried by the next spill rather than failing every later one.
      this.spool.catch(() => (this.spool = undefined));
    }
    return this.spool;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
