import type { StompFrame } from '@tsmq/codec';
import type { Destination } from '../destination.js';
import { IllegalStateException } from '../errors.js';
import type { Message } from '../message/message.js';
import type { Session } from './session.js';

/** JMS `MessageListener`: may be async; the next message waits until the returned promise settles. */
export type MessageListener = (message: Message) => void | Promise<void>;

/** A MESSAGE frame waiting in a consumer, with the connection epoch it arrived in. */
export interface PendingDelivery {
  frame: StompFrame;
  /** Deliveries from before a failover reconnect cannot be acknowledged on the new connection. */
  epoch: number;
  /** Arrival order within the session, so listeners see messages in the order they came. */
  seq: number;
}

/** What a consumer subscribes to. */
export interface ConsumerSpec {
  destination: Destination;
  selector: string | null;
  noLocal: boolean;
  /** Durable subscription name, if durable. */
  subscriptionName: string | null;
}

/**
 * JMS `MessageConsumer`. Messages arrive from the broker into a buffer bounded by the
 * subscription's prefetch (the broker stops at that many unacknowledged deliveries), and are
 * handed out by `receive` or to the listener.
 *
 * Also an async iterable: `for await (const m of consumer)` receives until the consumer closes.
 */
export class MessageConsumer implements AsyncIterable<Message> {
  private buffer: PendingDelivery[] = [];
  private head = 0;
  private listener: MessageListener | null = null;
  private waiters: (() => void)[] = [];
  private closed = false;

  /** @internal */
  constructor(
    /** @internal */ readonly session: Session,
    /** The STOMP subscription id. */
    readonly subscriptionId: string,
    private readonly spec: ConsumerSpec,
  ) {}

  /** JMS `getMessageSelector()`. */
  getMessageSelector(): string | null {
    return this.spec.selector;
  }
  /** The destination consumed from. */
  getDestination(): Destination {
    return this.spec.destination;
  }
  /** JMS `getNoLocal()` (topic subscribers). */
  getNoLocal(): boolean {
    return this.spec.noLocal;
  }
  getMessageListener(): MessageListener | null {
    return this.listener;
  }

  /**
   * Installs (or with null removes) an asynchronous listener. Messages are then delivered to it one
   * at a time per session, while the connection is started. In AUTO_ACKNOWLEDGE and DUPS_OK mode the
   * message is acknowledged after the listener's promise resolves; if it throws or rejects the
   * message is redelivered (JMS 2.0 §8.7).
   */
  setMessageListener(listener: MessageListener | null): void {
    this.checkOpen();
    this.listener = listener;
    if (listener !== null) {
      this.wakeAll();
      this.session.pump();
    }
  }

  /**
   * Waits for the next message: forever when `timeout` is 0 or omitted, otherwise at most `timeout`
   * ms (null when none came). Waits while the connection is stopped. Resolves null when the consumer
   * is closed meanwhile.
   */
  async receive(timeout = 0): Promise<Message | null> {
    return this.receiveAccepting(timeout, undefined);
  }

  /** @internal `receive` that lets `accept` refuse the message before it is acknowledged. */
  async receiveAccepting(timeout: number, accept: ((m: Message) => void) | undefined): Promise<Message | null> {
    this.checkOpen();
    this.checkNoListener();
    const deadline = timeout > 0 ? Date.now() + timeout : Infinity;
    for (;;) {
      if (this.closed || this.session.isClosed()) return null;
      this.session.checkOpen();
      if (this.session.connection.isStarted() && this.head < this.buffer.length) {
        return this.session.consume(this, this.take()!, false, accept);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await this.waitForChange(remaining);
    }
  }

  /** The next message if one is already here (and the connection is started), else null. */
  async receiveNoWait(): Promise<Message | null> {
    return this.receiveNoWaitAccepting(undefined);
  }

  /** @internal `receiveNoWait` with an `accept` check, as {@link MessageConsumer.receiveAccepting}. */
  async receiveNoWaitAccepting(accept: ((m: Message) => void) | undefined): Promise<Message | null> {
    this.checkOpen();
    this.checkNoListener();
    if (!this.session.connection.isStarted() || this.head >= this.buffer.length) return null;
    return this.session.consume(this, this.take()!, false, accept);
  }

  /** Stops the subscription; a pending `receive` resolves null. Unacknowledged messages go back to the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listener = null;
    this.buffer = [];
    this.head = 0;
    this.wakeAll();
    await this.session.removeConsumer(this);
  }

  /** True once closed. */
  isClosed(): boolean {
    return this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      if (this.closed) return;
      const m = await this.receive();
      if (m === null) return;
      yield m;
    }
  }

  // ---- session side --------------------------------------------------------------------------

  /** @internal A MESSAGE for this subscription arrived. */
  enqueue(delivery: PendingDelivery): void {
    if (this.closed) return;
    this.buffer.push(delivery);
    this.wakeAll();
    if (this.listener !== null) this.session.pump();
  }
  /** @internal Puts recovered deliveries back ahead of everything not yet consumed, in their order. */
  requeueFront(deliveries: PendingDelivery[]): void {
    if (this.closed) return;
    this.buffer = [...deliveries, ...this.buffer.slice(this.head)];
    this.head = 0;
    this.wakeAll();
  }
  /** @internal Oldest buffered delivery, if the listener should get it. */
  peekForListener(): PendingDelivery | undefined {
    return this.listener !== null && !this.closed ? this.buffer[this.head] : undefined;
  }
  /** @internal */
  take(): PendingDelivery | undefined {
    const d = this.buffer[this.head];
    if (d === undefined) return undefined;
    this.buffer[this.head++] = undefined as unknown as PendingDelivery;
    // Compact now and then so the array does not grow with every message ever received.
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return d;
  }
  /** @internal The listener, for the session's dispatcher. */
  currentListener(): MessageListener | null {
    return this.listener;
  }
  /** @internal Drops buffered deliveries of an older connection epoch (failover). */
  dropStale(epoch: number): void {
    this.buffer = this.buffer.slice(this.head).filter((d) => d.epoch >= epoch);
    this.head = 0;
  }
  /** @internal Marks closed without I/O (connection or session closing). */
  markClosed(): void {
    this.closed = true;
    this.listener = null;
    this.buffer = [];
    this.head = 0;
    this.wakeAll();
  }
  /** @internal Wakes blocked receives (start, new message, close). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
  /** @internal */
  get specification(): ConsumerSpec {
    return this.spec;
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === Infinity ? undefined : setTimeout(done, ms);
      const waiters = this.waiters;
      function done(): void {
        if (timer !== undefined) clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new IllegalStateException('the consumer is closed');
    this.session.checkOpen();
  }

  private checkNoListener(): void {
    // JMS 2.0 §8.7: a consumer with a listener is asynchronous; receive would race it.
    if (this.listener !== null) throw new IllegalStateException('cannot receive synchronously while a message listener is set');
  }
}
