import type {
  DurableSubscriptionRecord,
  MessageStore,
  StoredMessage,
  StoreOp,
  StoreRecovery,
  StoreUsage,
} from './message-store.js';
import { StoreError, durableContainer } from './message-store.js';

/** Options of {@link MemoryMessageStore}. */
export interface MemoryMessageStoreOptions {
  /** Bytes of message bodies and headers the store may hold; a write beyond fails with `STORE_FULL`. 0 = no limit. */
  limitBytes?: number;
  /** Told about every change of the bytes held, so that the broker can account memory across stores and topics. */
  accounting?: MemoryAccounting;
}

/** Receives the memory a store takes and gives back. */
export interface MemoryAccounting {
  /** `container` lets the receiver count the bytes per destination. */
  add(bytes: number, container?: string): void;
  release(bytes: number, container?: string): void;
}

/** One container's messages. Insertion order is seq order unless `sorted` is false. */
interface Container {
  messages: Map<number, StoredMessage>;
  lastSeq: number;
  sorted: boolean;
}

/** Approximate bytes a header set takes, counted once per message. */
function headerBytes(headers: Record<string, string>): number {
  let n = 0;
  for (const key in headers) n += key.length + headers[key]!.length + 2;
  return n;
}

function sizeOf(message: StoredMessage): number {
  return message.body.byteLength + headerBytes(message.headers) + message.destination.length + 64;
}

/**
 * A {@link MessageStore} that keeps everything in memory: used for non-persistent messages and,
 * with `persistent: false`, for persistent ones too. Nothing survives a restart.
 *
 * The store keeps the message objects it is given (no copy): the broker must not change a
 * message after writing it except through an `update` op.
 */
export class MemoryMessageStore implements MessageStore {
  private readonly containers = new Map<string, Container>();
  private readonly subscriptions = new Map<string, DurableSubscriptionRecord>();
  private readonly limitBytes: number;
  private readonly accounting: MemoryAccounting | undefined;
  private bytes = 0;
  private lastSeq = 0;
  private state: 'new' | 'open' | 'closed' = 'new';

  constructor(options: MemoryMessageStoreOptions = {}) {
    this.limitBytes = options.limitBytes ?? 0;
    this.accounting = options.accounting;
  }

  open(): Promise<StoreRecovery> {
    this.state = 'open';
    const containers = new Map<string, number>();
    for (const [name, c] of this.containers) if (c.messages.size > 0) containers.set(name, c.messages.size);
    return Promise.resolve({
      containers,
      subscriptions: [...this.subscriptions.values()],
      lastSeq: this.lastSeq,
      warnings: [],
    });
  }

  write(ops: StoreOp[]): Promise<void> {
    try {
      this.applyNow(ops);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return Promise.resolve();
  }

  /**
   * Applies `ops` synchronously (see {@link MessageStore.writeNow}), unless a subclass took over
   * {@link write} without taking over this too: that subclass (one that delays or observes
   * writes) then sees every write.
   */
  writeNow(ops: StoreOp[]): boolean {
    if (!this.writesInline) return false;
    this.applyNow(ops);
    return true;
  }

  private readonly writesInline = this.write === MemoryMessageStore.prototype.write;

  /** What {@link write} and {@link writeNow} do, for subclasses that route ops themselves. @throws StoreError */
  protected applyNow(ops: StoreOp[]): void {
    if (this.state !== 'open') throw new StoreError('STORE_CLOSED', 'the message store is not open');
    // Check the limit before applying anything so that a failing batch applies none of its ops.
    if (this.limitBytes > 0) {
      let added = 0;
      for (const op of ops) if (op.op === 'add') added += sizeOf(op.message);
      if (added > 0 && this.bytes + added > this.limitBytes) {
        throw new StoreError('STORE_FULL', `the in-memory store is full (limit ${this.limitBytes} bytes)`);
      }
    }
    for (let i = 0; i < ops.length; i++) this.apply(ops[i]!);
  }

  private apply(op: StoreOp): void {
    switch (op.op) {
      case 'add': {
        const c = this.container(op.container);
        const m = op.message;
        if (c.messages.has(m.seq)) return;
        if (m.seq < c.lastSeq) c.sorted = false;
        else c.lastSeq = m.seq;
        c.messages.set(m.seq, m);
        this.grow(sizeOf(m), op.container);
        if (m.seq > this.lastSeq) this.lastSeq = m.seq;
        return;
      }
      case 'remove': {
        const c = this.containers.get(op.container);
        const m = c?.messages.get(op.seq);
        if (!c || !m) return;
        c.messages.delete(op.seq);
        this.shrink(sizeOf(m), op.container);
        if (c.messages.size === 0) this.containers.delete(op.container);
        return;
      }
      case 'update': {
        const m = this.containers.get(op.container)?.messages.get(op.seq);
        if (!m) return;
        m.redeliveryCount = op.redeliveryCount;
        m.deliverAt = op.deliverAt;
        return;
      }
      case 'addSubscription':
        this.subscriptions.set(`${op.subscription.clientId}\u0000${op.subscription.name}`, op.subscription);
        return;
      case 'removeSubscription':
        this.subscriptions.delete(`${op.clientId}\u0000${op.name}`);
        this.dropContainer(durableContainer(op.clientId, op.name));
        return;
    }
  }

  private grow(bytes: number, container: string): void {
    this.bytes += bytes;
    this.accounting?.add(bytes, container);
  }

  private shrink(bytes: number, container: string): void {
    this.bytes -= bytes;
    this.accounting?.release(bytes, container);
  }

  private container(name: string): Container {
    let c = this.containers.get(name);
    if (!c) {
      c = { messages: new Map(), lastSeq: 0, sorted: true };
      this.containers.set(name, c);
    }
    return c;
  }

  load(container: string, afterSeq: number, max: number): Promise<StoredMessage[]> {
    if (this.state !== 'open') return Promise.reject(new StoreError('STORE_CLOSED', 'the message store is not open'));
    const c = this.containers.get(container);
    const out: StoredMessage[] = [];
    if (!c || max <= 0) return Promise.resolve(out);
    if (!c.sorted) this.sort(c);
    // The messages at or below afterSeq still stored are the ones the broker has in memory
    // (paged in or unacknowledged), so this scan stays short.
    for (const m of c.messages.values()) {
      if (m.seq <= afterSeq) continue;
      out.push(m);
      if (out.length >= max) break;
    }
    return Promise.resolve(out);
  }

  private sort(c: Container): void {
    const entries = [...c.messages.values()].sort((a, b) => a.seq - b.seq);
    c.messages.clear();
    for (const m of entries) c.messages.set(m.seq, m);
    c.lastSeq = entries.length > 0 ? entries[entries.length - 1]!.seq : 0;
    c.sorted = true;
  }

  count(container: string): number {
    return this.containers.get(container)?.messages.size ?? 0;
  }

  usage(): StoreUsage {
    return { bytes: this.bytes };
  }

  /** Every message of this store is in memory (and counted through its `accounting`). */
  residentInMemory(_container: string, _seq: number): boolean {
    return true;
  }

  /**
   * Forgets every message of `container` at once (a deleted temporary destination). Not part of
   * {@link MessageStore}: only the in-memory store holds temporary destinations' messages.
   */
  dropContainer(container: string): void {
    const c = this.containers.get(container);
    if (!c) return;
    let bytes = 0;
    for (const m of c.messages.values()) bytes += sizeOf(m);
    this.shrink(bytes, container);
    this.containers.delete(container);
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }
}
