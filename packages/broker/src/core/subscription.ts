import type { Selector } from '@tsmq/selector';
import type { StoredMessage } from '../store/message-store.js';
import type { Destination } from './destination.js';
import { propertiesOf } from './message-properties.js';

/** How a subscription acknowledges (STOMP 1.2 §SUBSCRIBE ack Header). */
export type AckMode = 'auto' | 'client' | 'client-individual';

/** One message delivered to a subscription and not yet acknowledged. */
export interface Delivery {
  /** The `ack` header value sent in MESSAGE; unique within the connection. */
  readonly ackId: string;
  readonly message: StoredMessage;
  readonly subscription: Subscription;
}

/** The connection side of a subscription: where its messages are written. */
export interface MessageSink {
  /** False while the connection cannot take more output (its transport buffer is full). */
  canWrite(): boolean;
  /** Writes a MESSAGE frame; `ackId` is undefined for auto-ack subscriptions. */
  writeMessage(subscription: Subscription, message: StoredMessage, ackId: string | undefined): void;
  /** A fresh ack id, registered so that ACK/NACK can find `delivery` again. */
  registerDelivery(subscription: Subscription, message: StoredMessage): Delivery;
}

/**
 * A consumer of one destination. It caps unacknowledged deliveries at `prefetch`; auto-ack
 * deliveries count as acknowledged as soon as they are written.
 */
export class Subscription {
  /** Unacknowledged deliveries in delivery order (client cumulative acks rely on that order). */
  readonly inflight = new Map<string, Delivery>();
  /** Topic messages waiting for prefetch room (queues keep waiting messages in the queue). */
  pending: StoredMessage[] = [];
  active = true;
  /** The sink's encoding of what starts each MESSAGE frame to this subscription, made on first use. */
  framePrefix: Uint8Array | undefined = undefined;

  constructor(
    /** The `id` header of SUBSCRIBE (the destination for a 1.0 SUBSCRIBE without one). */
    readonly id: string,
    readonly destination: Destination,
    readonly ackMode: AckMode,
    readonly prefetch: number,
    readonly sink: MessageSink,
    /** Id of the owning connection (temporary destinations and no-local checks). */
    readonly connectionId: string,
    /** JMS message selector; undefined selects everything. */
    readonly selector?: Selector,
    /** Topics: skip messages published by the same connection (`activemq.noLocal`, JMS noLocal). */
    readonly noLocal = false,
    /** Queues: `activemq.exclusive`, this consumer takes every message while it is the first exclusive one. */
    readonly exclusive = false,
  ) {}

  /** The subscription's selector accepts `message` (JMS 1.1 §3.8.1). */
  selects(message: StoredMessage): boolean {
    return this.selector === undefined || this.selector.matches(propertiesOf(message));
  }

  /** Room for one more message now. */
  canAccept(): boolean {
    return this.active && this.inflight.size < this.prefetch && this.sink.canWrite();
  }

  /** Writes `message`; returns true when the delivery needs no acknowledgement (auto ack). */
  deliver(message: StoredMessage): boolean {
    if (this.ackMode === 'auto') {
      this.sink.writeMessage(this, message, undefined);
      return true;
    }
    const delivery = this.sink.registerDelivery(this, message);
    this.inflight.set(delivery.ackId, delivery);
    this.sink.writeMessage(this, message, delivery.ackId);
    return false;
  }

  /**
   * Removes the deliveries `delivery` acknowledges from the in-flight set: with ack mode
   * `client` every earlier delivery too (STOMP 1.2 §SUBSCRIBE ack Header), otherwise only it.
   */
  settle(delivery: Delivery): Delivery[] {
    if (this.ackMode !== 'client') {
      this.inflight.delete(delivery.ackId);
      return [delivery];
    }
    const settled: Delivery[] = [];
    for (const [ackId, d] of this.inflight) {
      this.inflight.delete(ackId);
      settled.push(d);
      if (d === delivery) break;
    }
    return settled;
  }

  /** Takes every unacknowledged delivery out, in delivery order (unsubscribe, disconnect). */
  takeInflight(): Delivery[] {
    const all = [...this.inflight.values()];
    this.inflight.clear();
    return all;
  }
}
