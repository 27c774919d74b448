import type { PolicyEntry } from '@tsmq/config';
import type { Selector } from '@tsmq/selector';
import { type MemoryUsage, messageBytes } from './memory-usage.js';
import { propertiesOf } from './message-properties.js';
import type { QueueDestination } from './queue.js';
import type { StoredMessage } from '../store/message-store.js';
import type { Destination, DestinationStats } from './destination.js';
import type { DestinationName } from './destination-name.js';
import type { Subscription } from './subscription.js';

/**
 * A publish/subscribe destination: every current subscriber gets each message. Messages are not
 * stored (non-durable subscriptions); a subscriber without prefetch room keeps them in its own
 * pending list, bounded by `policy.pendingMessageLimit` (oldest dropped first) when that is set.
 */
export class TopicDestination implements Destination {
  private readonly subscribers: Subscription[] = [];
  /** Durable subscriptions: each keeps its own stored copy of every message it selects. */
  private readonly durables: Array<{ queue: QueueDestination; selector: Selector | undefined }> = [];
  private enqueued = 0;
  private dequeued = 0;

  constructor(
    readonly name: DestinationName,
    readonly policy: PolicyEntry,
    /** Where pending messages are counted; publishers wait while it is full. */
    readonly memory: MemoryUsage,
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

  addDurable(queue: QueueDestination, selector: Selector | undefined): void {
    this.durables.push({ queue, selector });
  }

  removeDurable(queue: QueueDestination): void {
    const i = this.durables.findIndex((d) => d.queue === queue);
    if (i >= 0) this.durables.splice(i, 1);
  }

  /**
   * Gives every current subscriber a copy of `message` and stores one for each durable
   * subscription it selects. Returns a promise when durable copies are being stored (the SEND's
   * receipt waits for it), undefined otherwise.
   */
  publish(message: StoredMessage, origin?: string): Promise<void> | undefined {
    if (message.deliverAt !== 0) {
      const delay = message.deliverAt - Date.now();
      // Scheduled topic messages wait in memory only: they do not survive a restart.
      if (delay > 0) {
        setTimeout(() => void this.publish(message, origin)?.catch(() => {}), delay).unref();
        return undefined;
      }
    }
    let stored: Promise<void>[] | undefined;
    for (const d of this.durables) {
      if (d.selector && !d.selector.matches(propertiesOf(message))) continue;
      // Each subscription counts redeliveries on its own copy; the body is shared.
      (stored ??= []).push(d.queue.enqueue({ ...message }));
    }
    this.deliver(message, origin);
    if (stored === undefined) return undefined;
    return stored.length === 1 ? stored[0] : Promise.all(stored).then(() => undefined);
  }

  private deliver(message: StoredMessage, origin: string | undefined): void {
    this.enqueued++;
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

  dispatch(): void {
    for (const s of this.subscribers) this.drain(s);
  }

  private drain(s: Subscription): void {
    const pending = s.pending;
    let n = 0;
    while (n < pending.length && s.canAccept()) {
      if (s.deliver(pending[n]!)) this.dequeued++;
      n++;
    }
    if (n > 0) this.releasePending(pending.splice(0, n));
  }

  acknowledge(messages: StoredMessage[]): Promise<void> {
    this.dequeued += messages.length;
    this.dispatch();
    return Promise.resolve();
  }

  requeue(subscription: Subscription, messages: StoredMessage[], _nack: boolean): void {
    if (!subscription.active) return;
    // Other subscribers share the message object, so the redelivery count goes on a copy.
    const again = messages.map((m) => ({ ...m, redeliveryCount: m.redeliveryCount + 1 }));
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
