import type { PolicyEntry } from '@tsmq/config';
import type { Logger } from '../logger.js';
import type { CursorMemory, MessageStore, StoredMessage, StoreOp } from '../store/message-store.js';
import { mergeBySeq } from '../store/merge-by-seq.js';
import { messageBytes } from './memory-usage.js';
import { queueContainer } from '../store/message-store.js';
import type { Destination, DestinationStats } from './destination.js';
import type { DestinationName } from './destination-name.js';
import type { Subscription } from './subscription.js';

/** The two stores a queue's messages live in, chosen per message. */
export interface QueueStores {
  /** Persistent messages. */
  readonly persistent: MessageStore;
  /** Non-persistent messages (and every message of a temporary queue). */
  readonly transient: MessageStore;
}

/** Broker services a queue needs beyond its stores. */
export interface QueueServices {
  readonly stores: QueueStores;
  readonly logger: Logger;
  /**
   * Called for a message NACKed (reason `redelivery`; the policy decides whether it was NACKed too
   * often) or expired; returns true when it took the message (moved to a dead-letter queue, or
   * discarded and removed from the store) so the queue drops it.
   */
  deadLetter(queue: QueueDestination, message: StoredMessage, reason: 'redelivery' | 'expired'): boolean;
  /** Milliseconds to hold a NACKed message back before its `redeliveryCount`-th redelivery (redelivery policy). */
  redeliveryDelay(redeliveryCount: number): number;
}

function byDeliverAtThenSeq(a: StoredMessage, b: StoredMessage): number {
  return a.deliverAt - b.deliverAt || a.seq - b.seq;
}

function byPriorityThenSeq(a: StoredMessage, b: StoredMessage): number {
  return b.priority - a.priority || a.seq - b.seq;
}
function bySeq(a: StoredMessage, b: StoredMessage): number {
  return a.seq - b.seq;
}

/**
 * A point-to-point destination: each message goes to exactly one consumer, round robin across
 * consumers with prefetch room, FIFO per consumer (highest priority first when the policy says so).
 *
 * Every waiting message is in a store; the queue holds only a page of them in memory (at most
 * `policy.maxPageSize` plus unacknowledged ones returned to it) and loads the next page, merged
 * by seq from both stores, as consumers drain it.
 */
export class QueueDestination implements Destination {
  readonly container: string;
  private readonly consumers: Subscription[] = [];
  private nextConsumer = 0;
  /** Messages in memory waiting for a consumer, in dispatch order. */
  private readonly page: StoredMessage[] = [];
  /** Messages not to be delivered before their `deliverAt` (scheduled, or a delayed redelivery), earliest first. */
  private readonly scheduled: StoredMessage[] = [];
  private scheduleTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly order: (a: StoredMessage, b: StoredMessage) => number;
  /** Highest seq paged in so far from the persistent store: its messages above it are only in the store. */
  private pagedUpTo = 0;
  /**
   * The same for the transient store. One cursor per store, because the stores resolve writes at
   * different times (memory at once, the journal after its fsync): a non-persistent message taken
   * into the page must not force every earlier persistent one still being written in after it.
   */
  private pagedUpToTransient = 0;
  /** Some stored messages are not in the page. */
  private paging = false;
  private loading = false;
  private arrivedWhileLoading = false;
  private dispatching = false;
  private dispatchAgain = false;
  /** Messages in the stores (waiting + in flight). */
  private stored = 0;
  private inflightCount = 0;
  private enqueued = 0;
  private dequeued = 0;
  private destroyed = false;

  /** False for temporary destinations: they keep even persistent messages in memory only. */
  private readonly durableStorage: boolean;

  /**
   * @param name - the queue, or for a durable topic subscription the topic it listens to.
   * @param container - store container; default the queue's own.
   */
  constructor(
    readonly name: DestinationName,
    readonly policy: PolicyEntry,
    private readonly services: QueueServices,
    container?: string,
  ) {
    this.container = container ?? queueContainer(name.name);
    this.order = policy.prioritizedMessages ? byPriorityThenSeq : bySeq;
    this.durableStorage = name.kind === 'queue' || name.kind === 'topic';
    if (policy.expireMessagesPeriod > 0) {
      this.sweepTimer = setInterval(this.sweepExpired, policy.expireMessagesPeriod);
      this.sweepTimer.unref();
    }
  }

  /** Store holding `message`: persistent messages in the persistent store unless the destination is temporary. */
  storeFor(message: StoredMessage): MessageStore {
    return message.persistent && this.durableStorage ? this.services.stores.persistent : this.services.stores.transient;
  }

  /** Messages found in the stores at startup: they are paged in on demand. */
  recover(count: number): void {
    this.stored += count;
    if (count > 0) this.paging = true;
  }

  /**
   * Stores `message`, then makes it deliverable. Returns undefined when its store took it
   * synchronously (an in-memory store): it is then stored and dispatched already. Otherwise the
   * promise resolves once it is stored, and rejects with the store's error.
   */
  enqueue(message: StoredMessage): Promise<void> | undefined {
    const store = this.storeFor(message);
    const ops: StoreOp[] = [{ op: 'add', container: this.container, message }];
    if (store.writeNow !== undefined) {
      try {
        if (store.writeNow(ops)) {
          this.accept(message);
          return undefined;
        }
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return store.write(ops).then(() => this.accept(message));
  }

  /** Store op that adds `message` to this queue (transactions batch these). */
  addOp(message: StoredMessage): StoreOp {
    return { op: 'add', container: this.container, message };
  }

  /** Store op that removes `message` from this queue. */
  removeOp(message: StoredMessage): StoreOp {
    return { op: 'remove', container: this.container, seq: message.seq };
  }

  /** `message` is in its store now: page it in if the page has room and nothing older waits on disk. */
  accept(message: StoredMessage): void {
    if (this.destroyed) return;
    this.stored++;
    this.enqueued++;
    // A message at or below pagedUpTo would never be loaded again, so it must go into the page
    // even when the page is full (only possible when stores resolve writes out of order).
    const transient = this.storeFor(message) !== this.services.stores.persistent;
    const cursor = transient ? this.pagedUpToTransient : this.pagedUpTo;
    if (message.seq <= cursor || (!this.paging && this.page.length < this.policy.maxPageSize && this.mayHold(message))) {
      this.hold(message);
      this.insert(message);
      if (message.seq > cursor) this.advanceCursor(transient, message.seq);
      this.dispatch();
    } else {
      this.paging = true;
      if (this.loading) this.arrivedWhileLoading = true;
      this.dispatch();
    }
  }

  private insert(message: StoredMessage): void {
    if (!this.grouped && message.headers.JMSXGroupID !== undefined) this.grouped = true;
    if (message.deliverAt !== 0 && message.deliverAt > Date.now()) {
      this.schedule(message);
      return;
    }
    insertSorted(this.page, message, this.order);
  }

  private schedule(message: StoredMessage): void {
    insertSorted(this.scheduled, message, byDeliverAtThenSeq);
    if (this.scheduled[0] === message) this.armScheduleTimer();
  }

  private armScheduleTimer(): void {
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    const first = this.scheduled[0];
    if (!first) {
      this.scheduleTimer = undefined;
      return;
    }
    this.scheduleTimer = setTimeout(this.releaseDue, Math.max(1, first.deliverAt - Date.now()));
    this.scheduleTimer.unref();
  }

  /** Moves the scheduled messages that are due into the page. */
  private readonly releaseDue = (): void => {
    this.scheduleTimer = undefined;
    if (this.destroyed) return;
    const now = Date.now();
    let n = 0;
    while (n < this.scheduled.length && this.scheduled[n]!.deliverAt <= now) n++;
    for (const m of this.scheduled.splice(0, n)) insertSorted(this.page, m, this.order);
    this.armScheduleTimer();
    this.dispatch();
  };

  addSubscription(subscription: Subscription): void {
    this.consumers.push(subscription);
    if (subscription.selector) this.selective++;
    if (subscription.exclusive) this.exclusives++;
    this.dispatch();
  }

  removeSubscription(subscription: Subscription): void {
    const i = this.consumers.indexOf(subscription);
    if (i >= 0) {
      this.consumers.splice(i, 1);
      if (this.nextConsumer > i) this.nextConsumer--;
      if (subscription.selector) this.selective--;
      if (subscription.exclusive) this.exclusives--;
      // Its groups go to whichever consumer gets their next message.
      if (this.groups.size > 0) for (const [group, owner] of this.groups) if (owner === subscription) this.groups.delete(group);
    }
    const returned = subscription.takeInflight();
    if (returned.length > 0) this.requeue(subscription, returned.map((d) => d.message), false);
  }

  dispatch(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        this.dispatchPage();
      } while (this.dispatchAgain);
    } finally {
      this.dispatching = false;
    }
    this.maybePageIn();
  }

  /** Consumers with a selector: dispatch then has to look past messages nobody selects. */
  private selective = 0;
  /** Consumers with `activemq.exclusive`: the first of them gets every message. */
  private exclusives = 0;
  /** Message groups (JMSXGroupID) and the consumer each is pinned to while it lives. */
  private readonly groups = new Map<string, Subscription>();
  /** A message with a JMSXGroupID has been seen: dispatch must respect group owners. */
  private grouped = false;

  private dispatchPage(): void {
    const page = this.page;
    if (page.length === 0 || this.consumers.length === 0) return;
    if (this.selective > 0 || this.exclusives > 0 || this.grouped) return this.dispatchSelective();
    const now = Date.now();
    // Collected so that a burst of auto-acked deliveries costs one store write.
    let done: StoredMessage[] | undefined;
    while (page.length > 0) {
      const message = page[0]!;
      if (message.expires !== 0 && message.expires <= now) {
        page.shift();
        this.expire(message);
        continue;
      }
      const consumer = this.pickConsumer();
      if (consumer === undefined) break;
      page.shift();
      if (consumer.deliver(message)) (done ??= []).push(message);
      else this.inflightCount++;
    }
    if (done) this.consumed(done);
  }

  /**
   * Dispatch when some consumer has a selector, is exclusive, or messages are grouped: a message
   * that no consumer with room may take stays in place while later messages go on, as in
   * ActiveMQ (within the page).
   */
  private dispatchSelective(): void {
    const page = this.page;
    const now = Date.now();
    const exclusive = this.exclusives > 0 ? this.consumers.find((c) => c.exclusive) : undefined;
    let done: StoredMessage[] | undefined;
    let i = 0;
    while (i < page.length) {
      const message = page[i]!;
      if (message.expires !== 0 && message.expires <= now) {
        page.splice(i, 1);
        this.expire(message);
        continue;
      }
      const group = this.grouped ? message.headers.JMSXGroupID : undefined;
      const owner = group === undefined ? undefined : this.groups.get(group);
      let consumer: Subscription | undefined;
      if (exclusive) {
        // ActiveMQ exclusive consumer: the others get nothing while it lives.
        if (!exclusive.canAccept()) break;
        if (exclusive.selects(message)) consumer = exclusive;
      } else if (owner) {
        if (owner.canAccept() && owner.selects(message)) consumer = owner;
      } else {
        let anyRoom = false;
        const n = this.consumers.length;
        for (let k = 0; k < n; k++) {
          const index = (this.nextConsumer + k) % n;
          const c = this.consumers[index]!;
          if (!c.canAccept()) continue;
          anyRoom = true;
          if (c.selects(message)) {
            consumer = c;
            this.nextConsumer = (index + 1) % n;
            break;
          }
        }
        if (!anyRoom) break;
      }
      if (consumer === undefined) {
        i++;
        continue;
      }
      if (group !== undefined) {
        // ActiveMQ: JMSXGroupSeq -1 closes the group; its next message may go to anyone.
        if (message.headers.JMSXGroupSeq === '-1') this.groups.delete(group);
        else if (owner === undefined) {
          this.groups.set(group, consumer);
          // Bounded like ActiveMQ's cached group map: the oldest group loses its owner first.
          if (this.groups.size > MAX_GROUPS) this.groups.delete(this.groups.keys().next().value!);
        }
      }
      page.splice(i, 1);
      if (consumer.deliver(message)) (done ??= []).push(message);
      else this.inflightCount++;
    }
    if (done) this.consumed(done);
  }

  /** Next consumer with room, round robin. */
  private pickConsumer(): Subscription | undefined {
    const consumers = this.consumers;
    const n = consumers.length;
    for (let i = 0; i < n; i++) {
      const index = (this.nextConsumer + i) % n;
      const c = consumers[index]!;
      if (c.canAccept()) {
        this.nextConsumer = (index + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  private maybePageIn(): void {
    if (!this.paging || this.loading || this.destroyed) return;
    const max = this.policy.maxPageSize;
    if (this.page.length > 0 && this.page.length >= max / 2) return;
    let want = Math.max(1, max - this.page.length);
    const memory = this.cursorMemory;
    if (memory) {
      const room = memory.room(this.container);
      // At the memory limit nothing more is paged in until the page drains; then one message at a
      // time, so that consumers never starve. Below it, the sizes seen so far bound the page in bytes.
      // The queue's own consumers free memory as they acknowledge, and dispatch then comes back here.
      if (room <= 0 && (this.page.length > 0 || this.inflightCount > 0)) return;
      want = Math.min(want, this.sizeHint === 0 || room <= 0 ? 1 : Math.max(1, Math.floor(room / this.sizeHint)));
    }
    this.loading = true;
    this.arrivedWhileLoading = false;
    const { persistent, transient } = this.services.stores;
    const persistentLoad = this.durableStorage ? persistent.load(this.container, this.pagedUpTo, want) : EMPTY_LOAD;
    Promise.all([persistentLoad, transient.load(this.container, this.pagedUpToTransient, want)]).then(
      ([a, b]) => this.paged(a, b, want),
      (error: unknown) => {
        this.loading = false;
        this.services.logger.error(`cannot load messages of ${this.name.full}`, error);
      },
    );
  }

  private paged(a: StoredMessage[], b: StoredMessage[], want: number): void {
    this.loading = false;
    if (this.destroyed) return;
    let i = 0;
    let j = 0;
    let taken = 0;
    while (taken < want && (i < a.length || j < b.length)) {
      const fromTransient = !(j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq));
      const m = fromTransient ? b[j++]! : a[i++]!;
      if (m.seq <= (fromTransient ? this.pagedUpToTransient : this.pagedUpTo)) continue;
      this.hold(m);
      this.insert(m);
      this.advanceCursor(fromTransient, m.seq);
      taken++;
    }
    const exhausted = a.length < want && b.length < want && i === a.length && j === b.length;
    if (exhausted && !this.arrivedWhileLoading) this.paging = false;
    this.dispatch();
  }

  /** An expired message leaves: to the dead-letter queue when the policy says so (JMS 1.1 §3.4.9). */
  private expire(message: StoredMessage): void {
    if (this.services.deadLetter(this, message, 'expired')) {
      this.letGo([message]);
      this.stored--;
      this.dequeued++;
      return;
    }
    this.consumed([message]);
  }

  /**
   * Where a browser starts: the waiting messages in memory (not in flight, not scheduled for
   * later) in dispatch order, and the seq after which the rest are only in the stores
   * (undefined when none are).
   */
  browseStart(): { inMemory: StoredMessage[]; storedAfter: number | undefined } {
    if (!this.paging) return { inMemory: this.page.slice(), storedAfter: undefined };
    const { persistent, transient } = this.services.stores;
    // A store holding none of this queue's messages does not hold the start back.
    const storedAfter =
      !this.durableStorage || persistent.count(this.container) === 0
        ? this.pagedUpToTransient
        : transient.count(this.container) === 0
          ? this.pagedUpTo
          : Math.min(this.pagedUpTo, this.pagedUpToTransient);
    // Page messages above it are loaded from the stores with the rest, in seq order.
    return { inMemory: this.page.filter((m) => m.seq <= storedAfter), storedAfter };
  }

  private advanceCursor(transient: boolean, seq: number): void {
    if (transient) this.pagedUpToTransient = seq;
    else this.pagedUpTo = seq;
  }

  /** Up to `max` stored messages with `seq > afterSeq`, in seq order, from both stores (browsing). */
  async loadStored(afterSeq: number, max: number): Promise<StoredMessage[]> {
    const { persistent, transient } = this.services.stores;
    const [a, b] = await Promise.all([
      this.durableStorage ? persistent.load(this.container, afterSeq, max) : EMPTY_LOAD,
      transient.load(this.container, afterSeq, max),
    ]);
    return mergeBySeq(a, b, max);
  }

  /**
   * Sweeps expired messages out of the page (ActiveMQ's expireMessagesPeriod), so that they
   * reach the dead-letter queue even while no consumer is there to find them at dispatch.
   */
  private readonly sweepExpired = (): void => {
    if (this.destroyed || this.page.length === 0) return;
    const now = Date.now();
    let expired: StoredMessage[] | undefined;
    let kept = 0;
    const page = this.page;
    for (let i = 0; i < page.length; i++) {
      const m = page[i]!;
      if (m.expires !== 0 && m.expires <= now) (expired ??= []).push(m);
      else page[kept++] = m;
    }
    if (!expired) return;
    page.length = kept;
    for (const m of expired) this.expire(m);
    this.dispatch();
  };

  /** Messages left the queue for good without an ACK frame (auto ack, expiry). */
  private consumed(messages: StoredMessage[]): void {
    this.letGo(messages);
    this.stored -= messages.length;
    this.dequeued += messages.length;
    this.writeRemoves(messages, true)?.catch((error: unknown) =>
      this.services.logger.error(`cannot remove consumed messages of ${this.name.full}`, error),
    );
  }

  acknowledge(messages: StoredMessage[], lazily = false): Promise<void> {
    this.settled(messages);
    return this.writeRemoves(messages, lazily) ?? Promise.resolve();
  }

  /** Bookkeeping for acknowledged messages whose removal the caller writes (transactions). */
  settled(messages: StoredMessage[]): void {
    this.letGo(messages);
    this.inflightCount -= messages.length;
    this.stored -= messages.length;
    this.dequeued += messages.length;
  }

  /**
   * Removes `messages` from their stores; undefined when that is done already (in-memory stores).
   * `lazily`: nobody waits for the removal to be durable, so the persistent store may let it join
   * a later commit (see {@link MessageStore.writeLazily}).
   */
  private writeRemoves(messages: StoredMessage[], lazily = false): Promise<void> | undefined {
    let persistentOps: StoreOp[] | undefined;
    let transientOps: StoreOp[] | undefined;
    const persistent = this.services.stores.persistent;
    for (const m of messages) {
      const op = this.removeOp(m);
      if (this.storeFor(m) === persistent) (persistentOps ??= []).push(op);
      else (transientOps ??= []).push(op);
    }
    const p = persistentOps
      ? lazily && persistent.writeLazily !== undefined
        ? persistent.writeLazily(persistentOps)
        : writeSoon(persistent, persistentOps)
      : undefined;
    const t = transientOps ? writeSoon(this.services.stores.transient, transientOps) : undefined;
    if (p && t) return Promise.all([p, t]).then(() => undefined);
    return p ?? t;
  }

  requeue(_subscription: Subscription, messages: StoredMessage[], nack: boolean): void {
    this.inflightCount -= messages.length;
    if (this.destroyed) return;
    const updates: StoreOp[] = [];
    const transientUpdates: StoreOp[] = [];
    const persistent = this.services.stores.persistent;
    const now = Date.now();
    for (const m of messages) {
      m.redeliveryCount++;
      if (nack) {
        const delay = this.services.redeliveryDelay(m.redeliveryCount);
        if (delay > 0) m.deliverAt = now + delay;
      }
      if (nack && this.services.deadLetter(this, m, 'redelivery')) {
        this.letGo([m]);
        this.stored--;
        continue;
      }
      const op: StoreOp = {
        op: 'update',
        container: this.container,
        seq: m.seq,
        redeliveryCount: m.redeliveryCount,
        deliverAt: m.deliverAt,
      };
      (this.storeFor(m) === persistent ? updates : transientUpdates).push(op);
      this.insert(m);
    }
    const log = (error: unknown) => this.services.logger.error(`cannot record a redelivery on ${this.name.full}`, error);
    if (updates.length > 0) persistent.write(updates).catch(log);
    if (transientUpdates.length > 0) this.services.stores.transient.write(transientUpdates).catch(log);
    this.dispatch();
  }

  stats(): DestinationStats {
    return {
      destination: this.name.full,
      kind: this.name.kind,
      depth: this.stored - this.inflightCount,
      inflight: this.inflightCount,
      consumers: this.consumers.length,
      enqueued: this.enqueued,
      dequeued: this.dequeued,
    };
  }

  /** True when nothing references the queue any more (a temporary queue may go). */
  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Stops the timers (the broker stops: its stores close, so neither sweep nor redelivery may run). */
  stopTimers(): void {
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.scheduleTimer = this.sweepTimer = undefined;
  }

  destroy(): void {
    this.destroyed = true;
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.scheduled.length = 0;
    for (const c of this.consumers) c.active = false;
    this.consumers.length = 0;
    this.page.length = 0;
    if (this.heldBytes > 0) this.cursorMemory?.release(this.heldBytes, this.container);
    this.heldBytes = 0;
  }

  // ---- memory of the messages held here while their store keeps them on disk only ----

  /** Where held messages count (the broker's memory usage); undefined when nothing is counted here. */
  private get cursorMemory(): CursorMemory | undefined {
    return this.services.stores.transient.cursorMemory;
  }

  /** Bytes counted for the messages this queue holds (page, scheduled, in flight) that their store does not. */
  private heldBytes = 0;
  /** Recent largest message size, to turn the memory room into a number of messages to page in. */
  private sizeHint = 0;

  /** The store counts `message` against memory itself (or nothing is counted at all). */
  private countedByStore(message: StoredMessage): boolean {
    return this.storeFor(message).residentInMemory?.(this.container, message.seq) === true;
  }

  /** Whether `message`, just stored, may be kept in the page rather than left to be paged in later. */
  private mayHold(message: StoredMessage): boolean {
    const memory = this.cursorMemory;
    if (!memory || this.countedByStore(message)) return true;
    // A queue holding nothing takes one message whatever the room, so that it always makes progress.
    if (this.page.length === 0 && this.inflightCount === 0) return true;
    return memory.room(this.container) >= messageBytes(message.body);
  }

  /** `message` is now held in memory by this queue (once, from page-in or arrival until it leaves). */
  private hold(message: StoredMessage): void {
    const memory = this.cursorMemory;
    if (!memory) return;
    const bytes = messageBytes(message.body);
    // Decays so that one large message does not slow paging in for good.
    this.sizeHint = Math.max(bytes, this.sizeHint - (this.sizeHint >> 4));
    if (this.countedByStore(message)) return;
    this.heldBytes += bytes;
    memory.add(bytes, this.container);
  }

  /** `messages` left this queue (consumed, acknowledged, dead-lettered). */
  private letGo(messages: StoredMessage[]): void {
    const memory = this.cursorMemory;
    if (!memory || this.destroyed) return;
    let bytes = 0;
    for (const m of messages) if (!this.countedByStore(m)) bytes += messageBytes(m.body);
    if (bytes === 0) return;
    this.heldBytes -= bytes;
    memory.release(bytes, this.container);
  }
}

const EMPTY_LOAD: Promise<StoredMessage[]> = Promise.resolve([]);

/** Writes `ops` synchronously when the store can (undefined: done), else through {@link MessageStore.write}. */
function writeSoon(store: MessageStore, ops: StoreOp[]): Promise<void> | undefined {
  if (store.writeNow === undefined) return store.write(ops);
  try {
    return store.writeNow(ops) ? undefined : store.write(ops);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** Message groups a queue remembers owners for (ActiveMQ's CachedMessageGroupMap default). */
const MAX_GROUPS = 1024;

/** Inserts into a sorted array: after the last element that sorts before or with `m`. */
function insertSorted(list: StoredMessage[], m: StoredMessage, order: (a: StoredMessage, b: StoredMessage) => number): void {
  let hi = list.length;
  // Almost always appended: new messages have the highest seq.
  if (hi === 0 || order(list[hi - 1]!, m) <= 0) {
    list.push(m);
    return;
  }
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order(list[mid]!, m) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, m);
}
