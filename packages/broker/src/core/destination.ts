import type { StoredMessage } from '../store/message-store.js';
import type { DestinationName } from './destination-name.js';
import type { Subscription } from './subscription.js';

/** Counters of one destination, as {@link Broker.stats} reports them. */
export interface DestinationStats {
  /** e.g. `/queue/orders`. */
  destination: string;
  kind: DestinationName['kind'];
  /** Messages waiting to be delivered (not counting unacknowledged deliveries). */
  depth: number;
  /** Messages delivered and not yet acknowledged. */
  inflight: number;
  consumers: number;
  /** Messages accepted since the broker started. */
  enqueued: number;
  /** Messages acknowledged (or consumed by auto-ack subscriptions) since the broker started. */
  dequeued: number;
}

/** What queues and topics have in common, as the protocol layer sees them. */
export interface Destination {
  readonly name: DestinationName;
  addSubscription(subscription: Subscription): void;
  /** Detaches a subscription; its unacknowledged messages become deliverable again (queues). */
  removeSubscription(subscription: Subscription): void;
  /**
   * Messages are acknowledged for good: removes them from the store. Resolves when the store did.
   * `lazily`: nobody waits for that (an ACK without a receipt), so the removal may join a later
   * commit (see `MessageStore.writeLazily`).
   */
  acknowledge(messages: StoredMessage[], lazily?: boolean): Promise<void>;
  /**
   * Messages that were delivered to `subscription` come back unacknowledged (NACK, aborted
   * transaction): they are redelivered, in their original order, with a higher redelivery count.
   */
  requeue(subscription: Subscription, messages: StoredMessage[], nack: boolean): void;
  /** Delivers what it can now (a consumer got room). */
  dispatch(): void;
  stats(): DestinationStats;
  /** Drops every message and subscription (a temporary destination whose owner left). */
  destroy(): void;
}
