import type { StompHeaders } from '@tsmq/codec';
import { parseSelector } from '@tsmq/selector';
import { SessionMode, type SessionModeValue } from '../constants.js';
import { Destination, Queue, TemporaryQueue, TemporaryTopic, Topic } from '../destination.js';
import {
  IllegalStateException,
  InvalidDestinationException,
  InvalidSelectorException,
  JMSException,
  TransactionRolledBackException,
} from '../errors.js';
import { BytesMessage } from '../message/bytes-message.js';
import { MapMessage } from '../message/map-message.js';
import { Message } from '../message/message.js';
import { ObjectMessage } from '../message/object-message.js';
import { StreamMessage } from '../message/stream-message.js';
import { TextMessage } from '../message/text-message.js';
import { SUBSCRIBE_TRANSFORMATION, decodeMessage } from '../wire/message-codec.js';
import {
  cannotDeleteDurableSubscription,
  durableSubscriptionHeaders,
  ignoresSelectors,
  keepsAbortedDeliveriesInFlight,
  prefetchHeader,
} from './broker-quirks.js';
import type { Connection } from './connection.js';
import { MessageConsumer, type ConsumerSpec, type PendingDelivery } from './message-consumer.js';
import { MessageProducer } from './message-producer.js';
import { QueueBrowser } from './queue-browser.js';

/** How many DUPS_OK acknowledgements are collected before they are sent. */
const DUPS_OK_BATCH = 64;
/** Longest time a DUPS_OK acknowledgement waits for its batch. */
const DUPS_OK_DELAY_MS = 50;

/** A consumed message the application has not acknowledged yet (CLIENT / INDIVIDUAL modes). */
interface Unacked {
  consumer: MessageConsumer;
  delivery: PendingDelivery;
}

/**
 * JMS `Session`: a single-threaded context for producing and consuming. Listeners of one session
 * run one at a time, in arrival order.
 */
export class Session {
  static readonly SESSION_TRANSACTED = SessionMode.SESSION_TRANSACTED;
  static readonly AUTO_ACKNOWLEDGE = SessionMode.AUTO_ACKNOWLEDGE;
  static readonly CLIENT_ACKNOWLEDGE = SessionMode.CLIENT_ACKNOWLEDGE;
  static readonly DUPS_OK_ACKNOWLEDGE = SessionMode.DUPS_OK_ACKNOWLEDGE;
  static readonly INDIVIDUAL_ACKNOWLEDGE = SessionMode.INDIVIDUAL_ACKNOWLEDGE;

  private closed = false;
  private readonly consumers = new Set<MessageConsumer>();
  private readonly producers = new Set<MessageProducer>();
  private unacked: Unacked[] = [];
  private dupsOk: Unacked[] = [];
  private dupsOkTimer: ReturnType<typeof setTimeout> | undefined;
  private dispatching: Promise<void> | undefined;
  private pumpAgain = false;
  private txSeq = 0;
  private txId: string;
  private txBegun = false;
  /** The transaction died with a connection that failover replaced: commit must fail. */
  private txBroken = false;
  /** Deliveries acknowledged inside the current transaction: a rollback may have to redeliver them itself. */
  private txConsumed: Unacked[] = [];
  private arrival = 0;

  /** @internal */
  constructor(
    /** @internal */ readonly connection: Connection,
    private readonly mode: SessionModeValue,
    private readonly sessionId: string,
  ) {
    this.txId = `${sessionId}-tx-${++this.txSeq}`;
  }

  /** JMS `getTransacted()`. */
  getTransacted(): boolean {
    return this.mode === SessionMode.SESSION_TRANSACTED;
  }
  /** JMS `getAcknowledgeMode()`; SESSION_TRANSACTED (0) for a transacted session. */
  getAcknowledgeMode(): SessionModeValue {
    return this.mode;
  }

  // ---- destinations and messages -------------------------------------------------------------

  /** A queue by name (no I/O: the broker creates queues on first use). */
  createQueue(name: string): Queue {
    this.checkOpen();
    return new Queue(name);
  }
  /** A topic by name. */
  createTopic(name: string): Topic {
    this.checkOpen();
    return new Topic(name);
  }
  /** A queue that lives until `delete()` or the connection closes (`/temp-queue/NAME`). */
  async createTemporaryQueue(): Promise<TemporaryQueue> {
    this.checkOpen();
    return this.connection.createTemporary('queue');
  }
  /** A topic that lives until `delete()` or the connection closes (`/temp-topic/NAME`). */
  async createTemporaryTopic(): Promise<TemporaryTopic> {
    this.checkOpen();
    return this.connection.createTemporary('topic');
  }

  createMessage(): Message {
    this.checkOpen();
    return new Message();
  }
  createTextMessage(text: string | null = null): TextMessage {
    this.checkOpen();
    return new TextMessage(text);
  }
  createBytesMessage(): BytesMessage {
    this.checkOpen();
    return new BytesMessage();
  }
  createMapMessage(): MapMessage {
    this.checkOpen();
    return new MapMessage();
  }
  createStreamMessage(): StreamMessage {
    this.checkOpen();
    return new StreamMessage();
  }
  /** The object must be JSON-serialisable (see {@link ObjectMessage}). */
  createObjectMessage(object?: unknown): ObjectMessage {
    this.checkOpen();
    return new ObjectMessage(object);
  }

  // ---- producers and consumers ---------------------------------------------------------------

  /** A producer for `destination`, or an unidentified one (null) that names the destination per send. */
  createProducer(destination: Destination | null = null): MessageProducer {
    this.checkOpen();
    const producer = new MessageProducer(this, destination);
    this.producers.add(producer);
    return producer;
  }

  /**
   * Subscribes to a queue or topic. The selector is checked here first (InvalidSelectorException)
   * so a typo does not cost the connection. `noLocal` skips messages this connection published.
   */
  async createConsumer(destination: Destination, selector: string | null = null, noLocal = false): Promise<MessageConsumer> {
    return this.subscribe({ destination, selector: emptyToNull(selector), noLocal, subscriptionName: null });
  }

  /**
   * JMS 1.1 durable topic subscriber: messages published while it is offline are kept. Needs a
   * client ID on the connection. SUBSCRIBE carries `activemq.subscriptionName` as in ActiveMQ.
   */
  async createDurableSubscriber(topic: Topic, name: string, selector: string | null = null, noLocal = false): Promise<MessageConsumer> {
    this.checkOpen();
    if (!(topic instanceof Topic)) throw new InvalidDestinationException('a durable subscription needs a Topic');
    if (name.length === 0) throw new JMSException('a durable subscription needs a name', { code: 'INVALID_SUBSCRIPTION_NAME' });
    if (this.connection.getClientID() === null) {
      throw new IllegalStateException('a durable subscription needs a client ID: set clientID on the factory or call setClientID first');
    }
    return this.subscribe({ destination: topic, selector: emptyToNull(selector), noLocal, subscriptionName: name });
  }

  /** JMS 2.0 name of {@link Session.createDurableSubscriber}. */
  async createDurableConsumer(topic: Topic, name: string, selector: string | null = null, noLocal = false): Promise<MessageConsumer> {
    return this.createDurableSubscriber(topic, name, selector, noLocal);
  }

  /** JMS 2.0 shared subscriptions are not supported by tsmq's broker or ActiveMQ's STOMP transport. */
  async createSharedConsumer(_topic: Topic, _name: string, _selector?: string | null): Promise<MessageConsumer> {
    throw new JMSException('shared subscriptions are not supported by this broker', { code: 'NOT_SUPPORTED' });
  }
  /** See {@link Session.createSharedConsumer}. */
  async createSharedDurableConsumer(_topic: Topic, _name: string, _selector?: string | null): Promise<MessageConsumer> {
    throw new JMSException('shared subscriptions are not supported by this broker', { code: 'NOT_SUPPORTED' });
  }

  /**
   * Deletes a durable subscription and the messages it kept. Throws IllegalStateException while a
   * consumer of it is open in this connection.
   */
  async unsubscribe(name: string): Promise<void> {
    this.checkOpen();
    if (this.connection.hasDurableConsumer(name)) {
      throw new IllegalStateException(`durable subscription "${name}" has an active consumer; close it first`);
    }
    await this.connection.ensureConnected();
    const client = this.connection.client();
    if (cannotDeleteDurableSubscription(client.serverName)) {
      throw new JMSException(`deleting a durable subscription is not supported by ${client.serverName}; delete its queue with the broker's tools`, {
        code: 'NOT_SUPPORTED',
      });
    }
    await client.send('UNSUBSCRIBE', { id: `durable-${name}`, 'activemq.subscriptionName': name }, undefined, true);
  }

  /** A browser over the messages waiting in `queue` (optionally filtered); browsing consumes nothing. */
  async createBrowser(queue: Queue | TemporaryQueue, selector: string | null = null): Promise<QueueBrowser> {
    this.checkOpen();
    const q: unknown = queue;
    if (!(q instanceof Queue || q instanceof TemporaryQueue)) {
      throw new InvalidDestinationException('only queues can be browsed');
    }
    const s = emptyToNull(selector);
    if (s !== null) checkSelector(s);
    return new QueueBrowser(this, queue, s);
  }

  // ---- transactions and acknowledgement ------------------------------------------------------

  /** Commits sends and acknowledgements of the current transaction; a new one starts. */
  async commit(): Promise<void> {
    this.checkOpen();
    if (!this.getTransacted()) throw new IllegalStateException('commit() needs a transacted session');
    if (this.txBroken) {
      await this.abortTransaction();
      throw new TransactionRolledBackException(
        'the transaction was rolled back: the connection failed over while it was open',
      );
    }
    if (!this.txBegun) return;
    const id = this.txId;
    this.nextTransaction();
    try {
      await this.connection.client().send('COMMIT', { transaction: id }, undefined, true);
    } catch (e) {
      if (e instanceof JMSException && e.code === 'CONNECTION_LOST') {
        throw new TransactionRolledBackException('the connection was lost during commit; the transaction was not committed', { cause: e });
      }
      throw e;
    }
  }

  /** Discards sends of the current transaction and redelivers the messages it consumed. */
  async rollback(): Promise<void> {
    this.checkOpen();
    if (!this.getTransacted()) throw new IllegalStateException('rollback() needs a transacted session');
    await this.abortTransaction();
  }

  /**
   * Redelivers every message consumed and not acknowledged, oldest first and before anything not
   * yet consumed (JMS 2.0 §6.2.11), with JMSRedelivered set and JMSXDeliveryCount raised. The
   * messages stay unacknowledged at the broker, so this needs no round trip. In a transacted
   * session this is a rollback.
   */
  async recover(): Promise<void> {
    this.checkOpen();
    if (this.getTransacted()) {
      await this.abortTransaction();
      return;
    }
    const unacked = this.unacked;
    this.unacked = [];
    this.redeliverLocally(unacked);
  }

  /**
   * Hands deliveries that are still unacknowledged at the broker to their consumers again, ahead
   * of anything not yet consumed, marked redelivered; their later ACK uses the original ack ids.
   */
  private redeliverLocally(entries: readonly Unacked[]): void {
    const byConsumer = new Map<MessageConsumer, PendingDelivery[]>();
    const epoch = this.connection.epoch();
    for (const { consumer, delivery } of entries) {
      if (consumer.isClosed() || delivery.epoch !== epoch) continue;
      const h = delivery.frame.headers;
      const count = Number(h['JMSXDeliveryCount'] ?? 1);
      const headers = { ...h, redelivered: 'true', JMSXDeliveryCount: String((Number.isInteger(count) ? count : 1) + 1) };
      const again = { ...delivery, frame: { ...delivery.frame, headers } };
      const list = byConsumer.get(consumer);
      if (list === undefined) byConsumer.set(consumer, [again]);
      else list.push(again);
    }
    for (const [consumer, deliveries] of byConsumer) consumer.requeueFront(deliveries);
    this.pump();
  }

  /** Closes consumers and producers and rolls back an open transaction. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.getTransacted() && this.txBegun && this.connection.client().isOpen) {
      // Closing: the consumers go too, and the broker takes their messages back.
      await this.abortTransaction(false).catch(() => undefined);
    }
    await this.flushDupsOk();
    this.closed = true;
    for (const p of this.producers) p.markClosed();
    const consumers = [...this.consumers];
    this.consumers.clear();
    for (const c of consumers) c.markClosed();
    await Promise.all(consumers.map((c) => this.connection.unregisterConsumer(c, true)));
    await this.dispatching;
    this.connection.sessionClosed(this);
  }

  // ---- internals used by producers, consumers and the connection -----------------------------

  /** @internal */
  checkOpen(): void {
    if (this.closed) throw new IllegalStateException('the session is closed');
    this.connection.checkOpen();
  }
  /** @internal */
  isClosed(): boolean {
    return this.closed;
  }
  /**
   * @internal The STOMP transaction the next transacted frame belongs to, begun on first use. The
   * BEGIN is written before the caller's frame because the client writes frames in call order.
   */
  transactionHeader(): string | undefined {
    if (!this.getTransacted()) return undefined;
    if (!this.txBegun) {
      this.txBegun = true;
      this.connection.client().send('BEGIN', { transaction: this.txId }).catch(() => undefined);
    }
    return this.txId;
  }
  /** @internal */
  producerClosed(p: MessageProducer): void {
    this.producers.delete(p);
  }

  /** @internal Failover replaced the connection: deliveries and the transaction of the old one are void. */
  connectionInterrupted(): void {
    this.unacked = [];
    this.txConsumed = [];
    this.dupsOk = [];
    if (this.getTransacted() && this.txBegun) {
      // Work done from now on goes into a fresh STOMP transaction that commit() aborts, so nothing
      // of this JMS transaction is half-committed.
      this.txBroken = true;
      this.txId = `${this.sessionId}-tx-${++this.txSeq}`;
    }
    this.txBegun = false;
  }
  /** @internal After failover: buffered deliveries of the old connection are dropped. */
  connectionResumed(epoch: number): void {
    for (const c of this.consumers) c.dropStale(epoch);
  }

  /** @internal A MESSAGE for one of this session's consumers. */
  deliver(consumer: MessageConsumer, delivery: Omit<PendingDelivery, 'seq'>): void {
    consumer.enqueue({ ...delivery, seq: ++this.arrival });
  }

  /**
   * @internal Turns a delivery into the application's message and does the acknowledgement the
   * mode asks for at this point. Listener deliveries in AUTO / DUPS_OK mode are acknowledged by
   * {@link Session.pump} after the listener returns instead.
   */
  consume(
    consumer: MessageConsumer,
    delivery: PendingDelivery,
    forListener: boolean,
    accept?: (message: Message) => void,
  ): Message {
    const message = decodeMessage(delivery.frame);
    if (accept !== undefined) {
      try {
        accept(message);
      } catch (e) {
        // Refused before any acknowledgement: the same message is next again (JMS 2.0 receiveBody).
        consumer.requeueFront([delivery]);
        throw e;
      }
    }
    const entry: Unacked = { consumer, delivery };
    switch (this.mode) {
      case SessionMode.AUTO_ACKNOWLEDGE:
        if (!forListener) this.settle([entry], 'ACK').catch(() => undefined);
        break;
      case SessionMode.DUPS_OK_ACKNOWLEDGE:
        if (!forListener) this.queueDupsOk(entry);
        break;
      case SessionMode.CLIENT_ACKNOWLEDGE:
        this.unacked.push(entry);
        message.acknowledgeHook = () => this.acknowledgeAll();
        break;
      case SessionMode.INDIVIDUAL_ACKNOWLEDGE:
        this.unacked.push(entry);
        message.acknowledgeHook = () => this.acknowledgeOne(entry);
        break;
      case SessionMode.SESSION_TRANSACTED:
        this.txConsumed.push(entry);
        this.settle([entry], 'ACK').catch(() => undefined);
        break;
    }
    return message;
  }

  /** @internal Runs listeners one at a time, oldest message first, while the connection is started. */
  pump(): void {
    if (this.dispatching !== undefined) {
      this.pumpAgain = true;
      return;
    }
    this.dispatching = this.runListeners().finally(() => {
      this.dispatching = undefined;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    });
  }

  /** @internal Resolves when no listener is running (Connection.stop waits for it). */
  async idle(): Promise<void> {
    while (this.dispatching !== undefined) await this.dispatching;
  }

  /** @internal */
  async removeConsumer(consumer: MessageConsumer): Promise<void> {
    this.consumers.delete(consumer);
    this.unacked = this.unacked.filter((u) => u.consumer !== consumer);
    this.txConsumed = this.txConsumed.filter((u) => u.consumer !== consumer);
    await this.connection.unregisterConsumer(consumer, false);
  }

  private async runListeners(): Promise<void> {
    for (;;) {
      this.pumpAgain = false;
      if (this.closed || !this.connection.isStarted()) return;
      let next: { consumer: MessageConsumer; delivery: PendingDelivery } | undefined;
      for (const c of this.consumers) {
        const d = c.peekForListener();
        if (d !== undefined && (next === undefined || d.seq < next.delivery.seq)) next = { consumer: c, delivery: d };
      }
      if (next === undefined) return;
      const { consumer } = next;
      const delivery = consumer.take()!;
      const listener = consumer.currentListener();
      if (listener === null) continue;
      const message = this.consume(consumer, delivery, true);
      const entry: Unacked = { consumer, delivery };
      let failed = false;
      try {
        await listener(message);
      } catch {
        failed = true;
      }
      if (this.mode === SessionMode.AUTO_ACKNOWLEDGE || this.mode === SessionMode.DUPS_OK_ACKNOWLEDGE) {
        // JMS 2.0 §8.7: a listener that throws in these modes gets the message again.
        if (failed) await this.settle([entry], 'NACK').catch(() => undefined);
        else if (this.mode === SessionMode.AUTO_ACKNOWLEDGE) await this.settle([entry], 'ACK').catch(() => undefined);
        else this.queueDupsOk(entry);
      }
    }
  }

  private async acknowledgeAll(): Promise<void> {
    this.checkOpen();
    const unacked = this.unacked;
    this.unacked = [];
    await this.settle(unacked, 'ACK');
  }

  private async acknowledgeOne(entry: Unacked): Promise<void> {
    this.checkOpen();
    const i = this.unacked.indexOf(entry);
    if (i < 0) return;
    this.unacked.splice(i, 1);
    await this.settle([entry], 'ACK');
  }

  private queueDupsOk(entry: Unacked): void {
    this.dupsOk.push(entry);
    if (this.dupsOk.length >= DUPS_OK_BATCH) void this.flushDupsOk();
    else if (this.dupsOkTimer === undefined) this.dupsOkTimer = setTimeout(() => void this.flushDupsOk(), DUPS_OK_DELAY_MS);
  }

  private async flushDupsOk(): Promise<void> {
    if (this.dupsOkTimer !== undefined) clearTimeout(this.dupsOkTimer);
    this.dupsOkTimer = undefined;
    const batch = this.dupsOk;
    this.dupsOk = [];
    await this.settle(batch, 'ACK').catch(() => undefined);
  }

  /**
   * Sends ACK or NACK frames for deliveries still valid on the current connection: skipped for
   * closed consumers (the broker already took their messages back) and for deliveries of a
   * connection that failover replaced; acknowledging those would be an error on the broker.
   */
  private settle(entries: Unacked[], command: 'ACK' | 'NACK'): Promise<unknown> {
    const client = this.connection.client();
    const version = client.version;
    if (command === 'NACK' && version === '1.0') return Promise.resolve(); // STOMP 1.0 has no NACK; redelivery happens on unsubscribe.
    const epoch = this.connection.epoch();
    const tx = this.getTransacted() && command === 'ACK' ? this.transactionHeader() : undefined;
    const sends: Promise<unknown>[] = [];
    for (const { consumer, delivery } of entries) {
      if (consumer.isClosed() || delivery.epoch !== epoch) continue;
      const h = delivery.frame.headers;
      const headers: StompHeaders = {};
      if (version === '1.2') headers['id'] = h['ack'] ?? '';
      else {
        headers['message-id'] = h['message-id'] ?? '';
        if (version === '1.1') headers['subscription'] = h['subscription'] ?? consumer.subscriptionId;
      }
      if (tx !== undefined) headers['transaction'] = tx;
      sends.push(client.send(command, headers));
    }
    return Promise.all(sends);
  }

  private async abortTransaction(redeliver = true): Promise<void> {
    const id = this.txId;
    const begun = this.txBegun;
    const consumed = this.txConsumed;
    this.nextTransaction();
    if (begun) await this.connection.client().send('ABORT', { transaction: id }, undefined, true);
    // ActiveMQ Classic and RabbitMQ answer ABORT by putting the transaction's acknowledged messages
    // back in flight to this consumer without sending them again (ActiveMQ's Java client
    // redelivers them itself); the tsmq broker redelivers them, so doing it here too would deliver
    // them twice.
    if (redeliver && consumed.length > 0 && keepsAbortedDeliveriesInFlight(this.connection.client().serverName)) {
      this.redeliverLocally(consumed);
    }
  }

  private nextTransaction(): void {
    this.txId = `${this.sessionId}-tx-${++this.txSeq}`;
    this.txBegun = false;
    this.txBroken = false;
    this.txConsumed = [];
  }

  private async subscribe(spec: ConsumerSpec): Promise<MessageConsumer> {
    this.checkOpen();
    if (!(spec.destination instanceof Destination)) throw new InvalidDestinationException('a destination is required');
    if (spec.selector !== null) checkSelector(spec.selector);
    if (spec.subscriptionName !== null && this.connection.hasDurableConsumer(spec.subscriptionName)) {
      throw new IllegalStateException(`durable subscription "${spec.subscriptionName}" already has an active consumer`);
    }
    await this.connection.ensureConnected();
    const server = this.connection.client().serverName;
    if (spec.selector !== null && ignoresSelectors(server)) {
      // The broker would ignore the selector header and deliver every message: refuse instead.
      throw new JMSException(`message selectors are not supported by ${server}`, { code: 'NOT_SUPPORTED' });
    }
    const id = spec.subscriptionName !== null ? `durable-${spec.subscriptionName}` : this.connection.nextId('sub');
    const consumer = new MessageConsumer(this, id, spec);
    this.consumers.add(consumer);
    const headers: StompHeaders = {
      destination: spec.destination.stompName,
      ack: 'client-individual',
      'activemq.prefetchSize': String(this.connection.prefetch),
      transformation: SUBSCRIBE_TRANSFORMATION,
    };
    const ownPrefetch = prefetchHeader(server);
    if (ownPrefetch !== undefined) headers[ownPrefetch] = headers['activemq.prefetchSize']!;
    if (spec.selector !== null) headers['selector'] = spec.selector;
    if (spec.noLocal) headers['activemq.noLocal'] = 'true';
    if (spec.subscriptionName !== null) {
      headers['activemq.subscriptionName'] = spec.subscriptionName;
      Object.assign(headers, durableSubscriptionHeaders(server));
    }
    try {
      await this.connection.registerConsumer(consumer, headers);
    } catch (e) {
      this.consumers.delete(consumer);
      throw e;
    }
    return consumer;
  }
}

function emptyToNull(selector: string | null | undefined): string | null {
  return selector === undefined || selector === null || selector.trim() === '' ? null : selector;
}

function checkSelector(selector: string): void {
  try {
    parseSelector(selector);
  } catch (e) {
    throw new InvalidSelectorException(e instanceof Error ? e.message : String(e), { cause: e });
  }
}
