import type { PolicyEntry } from '@tsmq/config';
import type { Selector } from '@tsmq/selector';
import { type MemoryUsage, messageBytes } from './memory-usage.js';
import { propertiesOf } from './message-properties.js';
import type { QueueDestination } from './queue.js';
import type { StoredMessage } from '../store/message-store.js';
import type { Destination, DestinationStats } from './destination.js';
import type { DestinationName } from './destination-name.js';
import type { Subscription } from './subscription.js';

/** A durable subscription as its topic sees it: where to store the messages it selects. */
export interface DurableListener {
  readonly queue: QueueDestination;
  readonly selector: Selector | undefined;
  /** Skip messages published by a connection with the subscription's own client id. */
  readonly noLocal: boolean;
  readonly clientId: string;
}

/** What a topic does with a message a subscriber NACKed too often. */
export interface TopicRedelivery {
  /** -1 is unlimited. */
  readonly maximumRedeliveries: number;
  deadLetter(topic: TopicDestination, message: StoredMessage, cause: string): void;
}

/** A message to store for one durable subscription. */
export interface DurableCopy {
  readonly queue: QueueDestination;
  readonly message: StoredMessage;
}

/**
 * A publish/subscribe destination: every current subscriber gets each message. Messages are not
 * stored (non-durable subscriptions); a subscriber without prefetch room keeps them in its own
 * pending list, bounded by `policy.pendingMessageLimit` (oldest dropped first) when that is set.
 */
export class TopicDestination implements Destination {
  private readonly subscribers: Subscription[] = [];
  /** Durable subscriptions: each keeps its own stored copy of every message it selects. */
  private readonly durables: DurableListener[] = [];
  private enqueued = 0;
  private dequeued = 0;

  constructor(
    readonly name: DestinationName,
    readonly policy: PolicyEntry,
    /** Where pending messages are counted; publishers wait while it is full. */
    readonly memory: MemoryUsage,
    private readonly poison?: TopicRedelivery,
  ) {}

  private releasePending(list: readonly StoredMessage[]): void {
    let bytes = 0;
    for (const m of list) bytes += messageBytes(m.body);
    if (bytes > 0) this.memory.release(bytes);
  }

  addSubscription(subscription: Subscription): void {
    this.subscribers.push(subscription);
  }

  removeSubscription(subscription: Subscription): void {
    const i = this.subscribers.indexOf(subscription);
    if (i >= 0) this.subscribers.splice(i, 1);
    subscription.takeInflight();
    this.releasePending(subscription.pending);
    subscription.pending = [];
  }

  addDurable(durable: DurableListener): void {
    this.durables.push(durable);
  }

  removeDurable(queue: QueueDestination): void {
    const i = this.durables.findIndex((d) => d.queue === queue);
    if (i >= 0) this.durables.splice(i, 1);
  }

  /**
   * The copies of `message` its durable subscriptions keep: one per subscription whose selector
   * selects it, skipping those with noLocal whose client id published it. The caller stores
   * them (with the rest of its batch) and then calls {@link QueueDestination.accept}.
   */
  durableCopies(message: StoredMessage, originClientId: string | undefined, out: DurableCopy[]): void {
    for (const d of this.durables) {
      if (d.noLocal && originClientId !== undefined && d.clientId === originClientId) continue;
      if (d.selector && !d.selector.matches(propertiesOf(message))) continue;
      // Each subscription counts redeliveries on its own copy; the body is shared.
      out.push({ queue: d.queue, message: { ...message } });
    }
  }

  /** Gives every current subscriber a copy of `message` (durable copies are the caller's). */
  deliver(message: StoredMessage, origin: string | undefined): void {
    this.enqueued++;
    if (message.expires !== 0 && message.expires <= Date.now()) return;
    const limit = this.policy.pendingMessageLimit;
    for (const s of this.subscribers) {
      if (s.noLocal && s.connectionId === origin) continue;
      if (!s.selects(message)) continue;
      if (s.pending.length === 0 && s.canAccept()) {
        if (s.deliver(message)) this.dequeued++;
        continue;
      }
      s.pending.push(message);
      this.memory.add(messageBytes(message.body));
      if (limit >= 0 && s.pending.length > limit) this.memory.release(messageBytes(s.pending.shift()!.body));
    }
  }

  /** Some durable subscription listens here: publishing may have copies to store. */
  get hasDurables(): boolean {
    return this.durables.length > 0;
  }

  dispatch(): void {
    for (const s of this.subscribers) this.drain(s);
  }

  private drain(s: Subscription): void {
    const pending = s.pending;
    let n = 0;
    const now = Date.now();
    while (n < pending.length && s.canAccept()) {
      const m = pending[n++]!;
      // JMS 1.1 §3.4.9: never delivered once expired, even after waiting for a slow subscriber.
      if (m.expires !== 0 && m.expires <= now) continue;
      if (s.deliver(m)) this.dequeued++;
    }
    if (n > 0) this.releasePending(pending.splice(0, n));
  }

  acknowledge(messages: StoredMessage[]): Promise<void> {
    this.dequeued += messages.length;
    this.dispatch();
    return Promise.resolve();
  }

  requeue(subscription: Subscription, messages: StoredMessage[], nack: boolean): void {
    if (!subscription.active) return;
    // Other subscribers share the message object, so the redelivery count goes on a copy.
    let again = messages.map((m) => ({ ...m, redeliveryCount: m.redeliveryCount + 1 }));
    const max = this.poison?.maximumRedeliveries ?? -1;
    if (nack && max >= 0) {
      again = again.filter((m) => {
        if (m.redeliveryCount <= max) return true;
        this.poison!.deadLetter(this, m, `redelivery count ${m.redeliveryCount} exceeded maximumRedeliveries ${max} (NACK)`);
        return false;
      });
    }
    subscription.pending.unshift(...again);
    for (const m of again) this.memory.add(messageBytes(m.body));
    this.drain(subscription);
  }

  stats(): DestinationStats {
    let depth = 0;
    let inflight = 0;
    for (const s of this.subscribers) {
      depth += s.pending.length;
      inflight += s.inflight.size;
    }
    return {
      destination: this.name.full,
      kind: this.name.kind,
      depth,
      inflight,
      consumers: this.subscribers.length,
      enqueued: this.enqueued,
      dequeued: this.dequeued,
    };
  }

  destroy(): void {
    for (const s of this.subscribers) {
      s.active = false;
      this.releasePending(s.pending);
      s.pending = [];
    }
    this.subscribers.length = 0;
  }
}
