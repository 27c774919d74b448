import { DeliveryMode, MessageDefaults, SessionMode, type DeliveryModeValue, type SessionModeValue } from '../constants.js';
import type { Destination, Queue, TemporaryQueue, TemporaryTopic, Topic } from '../destination.js';
import { MessageFormatException } from '../errors.js';
import { BytesMessage } from '../message/bytes-message.js';
import { MapMessage } from '../message/map-message.js';
import { Message } from '../message/message.js';
import { ObjectMessage } from '../message/object-message.js';
import { StreamMessage } from '../message/stream-message.js';
import { TextMessage } from '../message/text-message.js';
import { inferTyped, type TypedValue } from '../message/values.js';
import type { Connection, ExceptionListener } from './connection.js';
import type { MessageConsumer, MessageListener } from './message-consumer.js';
import type { CompletionListener } from './message-producer.js';
import type { QueueBrowser } from './queue-browser.js';
import type { Session } from './session.js';

/** What `JMSProducer.send` accepts as a body, as in JMS 2.0 §7.2. */
export type JMSBody = Message | string | Uint8Array | Record<string, unknown> | null;

/**
 * JMS 2.0 `JMSContext`: a connection and one session together. Consumers start the connection
 * automatically (`setAutoStart(false)` to prevent it). Unlike Java, failures are the same
 * JMSException classes, not JMSRuntimeException.
 */
export class JMSContext {
  static readonly SESSION_TRANSACTED = SessionMode.SESSION_TRANSACTED;
  static readonly AUTO_ACKNOWLEDGE = SessionMode.AUTO_ACKNOWLEDGE;
  static readonly CLIENT_ACKNOWLEDGE = SessionMode.CLIENT_ACKNOWLEDGE;
  static readonly DUPS_OK_ACKNOWLEDGE = SessionMode.DUPS_OK_ACKNOWLEDGE;

  private autoStart = true;
  private lastConsumed: Message | null = null;

  private constructor(
    private readonly connection: Connection,
    private readonly session: Session,
  ) {}

  /** @internal */
  static async open(connection: Connection, sessionMode: SessionModeValue = SessionMode.AUTO_ACKNOWLEDGE): Promise<JMSContext> {
    try {
      return new JMSContext(connection, await connection.createSession(sessionMode));
    } catch (e) {
      await connection.close().catch(() => undefined);
      throw e;
    }
  }

  getClientID(): string | null {
    return this.connection.getClientID();
  }
  setExceptionListener(listener: ExceptionListener | null): void {
    this.connection.setExceptionListener(listener);
  }
  getSessionMode(): SessionModeValue {
    return this.session.getAcknowledgeMode();
  }
  getTransacted(): boolean {
    return this.session.getTransacted();
  }
  setAutoStart(autoStart: boolean): void {
    this.autoStart = autoStart;
  }
  getAutoStart(): boolean {
    return this.autoStart;
  }
  async start(): Promise<void> {
    await this.connection.start();
  }
  async stop(): Promise<void> {
    await this.connection.stop();
  }
  async close(): Promise<void> {
    await this.connection.close();
  }

  createProducer(): JMSProducer {
    return new JMSProducer(this.session);
  }
  async createConsumer(destination: Destination, selector: string | null = null, noLocal = false): Promise<JMSConsumer> {
    return this.started(new JMSConsumer(await this.session.createConsumer(destination, selector, noLocal), this));
  }
  async createDurableConsumer(topic: Topic, name: string, selector: string | null = null, noLocal = false): Promise<JMSConsumer> {
    return this.started(new JMSConsumer(await this.session.createDurableConsumer(topic, name, selector, noLocal), this));
  }
  async createBrowser(queue: Queue, selector: string | null = null): Promise<QueueBrowser> {
    return this.session.createBrowser(queue, selector);
  }
  async unsubscribe(name: string): Promise<void> {
    await this.session.unsubscribe(name);
  }

  createQueue(name: string): Queue {
    return this.session.createQueue(name);
  }
  createTopic(name: string): Topic {
    return this.session.createTopic(name);
  }
  async createTemporaryQueue(): Promise<TemporaryQueue> {
    return this.session.createTemporaryQueue();
  }
  async createTemporaryTopic(): Promise<TemporaryTopic> {
    return this.session.createTemporaryTopic();
  }
  createMessage(): Message {
    return this.session.createMessage();
  }
  createTextMessage(text: string | null = null): TextMessage {
    return this.session.createTextMessage(text);
  }
  createBytesMessage(): BytesMessage {
    return this.session.createBytesMessage();
  }
  createMapMessage(): MapMessage {
    return this.session.createMapMessage();
  }
  createStreamMessage(): StreamMessage {
    return this.session.createStreamMessage();
  }
  createObjectMessage(object?: unknown): ObjectMessage {
    return this.session.createObjectMessage(object);
  }

  async commit(): Promise<void> {
    await this.session.commit();
  }
  async rollback(): Promise<void> {
    await this.session.rollback();
  }
  async recover(): Promise<void> {
    await this.session.recover();
  }
  /** JMS 2.0: acknowledges every message consumed by this context (CLIENT_ACKNOWLEDGE). */
  async acknowledge(): Promise<void> {
    await this.lastConsumed?.acknowledge();
  }

  /** @internal */
  consumed(message: Message | null): Message | null {
    if (message !== null) this.lastConsumed = message;
    return message;
  }

  private async started(consumer: JMSConsumer): Promise<JMSConsumer> {
    if (this.autoStart) await this.connection.start();
    return consumer;
  }
}

/** JMS 2.0 `JMSProducer`: fluent delivery options and properties, applied to each send. */
export class JMSProducer {
  private deliveryMode: DeliveryModeValue = DeliveryMode.PERSISTENT;
  private priority: number = MessageDefaults.DEFAULT_PRIORITY;
  private timeToLive = 0;
  private deliveryDelay = 0;
  private disableMessageID = false;
  private disableMessageTimestamp = false;
  private correlationId: string | null = null;
  private type: string | null = null;
  private replyTo: Destination | null = null;
  private async: CompletionListener | null = null;
  private readonly properties = new Map<string, TypedValue>();

  /** @internal */
  constructor(private readonly session: Session) {}

  setDeliveryMode(mode: DeliveryModeValue): this {
    this.deliveryMode = mode;
    return this;
  }
  setPriority(priority: number): this {
    this.priority = priority;
    return this;
  }
  setTimeToLive(ms: number): this {
    this.timeToLive = ms;
    return this;
  }
  setDeliveryDelay(ms: number): this {
    this.deliveryDelay = ms;
    return this;
  }
  setDisableMessageID(disable: boolean): this {
    this.disableMessageID = disable;
    return this;
  }
  setDisableMessageTimestamp(disable: boolean): this {
    this.disableMessageTimestamp = disable;
    return this;
  }
  setJMSCorrelationID(id: string | null): this {
    this.correlationId = id;
    return this;
  }
  setJMSType(type: string | null): this {
    this.type = type;
    return this;
  }
  setJMSReplyTo(destination: Destination | null): this {
    this.replyTo = destination;
    return this;
  }
  /** JMS 2.0 async send: later sends report to `listener` instead of the returned promise. */
  setAsync(listener: CompletionListener | null): this {
    this.async = listener;
    return this;
  }
  /** A property for every message sent; type inferred as in `Message.setObjectProperty`. */
  setProperty(name: string, value: boolean | number | bigint | string | TypedValue): this {
    // Validated now through a scratch message so a bad name fails at the call that set it.
    new Message().setObjectProperty(name, value);
    this.properties.set(name, inferTyped(value, false));
    return this;
  }
  clearProperties(): this {
    this.properties.clear();
    return this;
  }

  /** Sends a message, or a body: string (TextMessage), Uint8Array (BytesMessage), plain object (MapMessage). */
  async send(destination: Destination, body: JMSBody): Promise<this> {
    const message = this.toMessage(body);
    for (const [name, value] of this.properties) message.setObjectProperty(name, value);
    if (this.correlationId !== null) message.setJMSCorrelationID(this.correlationId);
    if (this.type !== null) message.setJMSType(this.type);
    if (this.replyTo !== null) message.setJMSReplyTo(this.replyTo);
    const producer = this.session.createProducer(null);
    producer.setDeliveryDelay(this.deliveryDelay);
    producer.setDisableMessageID(this.disableMessageID);
    producer.setDisableMessageTimestamp(this.disableMessageTimestamp);
    try {
      if (this.async !== null) {
        await producer.send(destination, message, this.deliveryMode, this.priority, this.timeToLive, this.async);
      } else {
        await producer.send(destination, message, this.deliveryMode, this.priority, this.timeToLive);
      }
    } finally {
      await producer.close();
    }
    return this;
  }

  private toMessage(body: JMSBody): Message {
    if (body instanceof Message) return body;
    if (body === null || typeof body === 'string') return new TextMessage(body);
    if (body instanceof Uint8Array) {
      const m = new BytesMessage();
      m.writeBytes(body);
      return m;
    }
    if (typeof body === 'object') {
      const m = new MapMessage();
      for (const [k, v] of Object.entries(body)) m.setObject(k, v as never);
      return m;
    }
    throw new MessageFormatException('JMSProducer.send accepts a Message, string, Uint8Array or plain object');
  }
}

/** JMS 2.0 `JMSConsumer`, with `receiveBody`. */
export class JMSConsumer implements AsyncIterable<Message> {
  /** @internal */
  constructor(
    private readonly consumer: MessageConsumer,
    private readonly context: JMSContext,
  ) {}

  getMessageSelector(): string | null {
    return this.consumer.getMessageSelector();
  }
  getMessageListener(): MessageListener | null {
    return this.consumer.getMessageListener();
  }
  setMessageListener(listener: MessageListener | null): void {
    this.consumer.setMessageListener(listener === null ? null : (m) => listener(this.context.consumed(m)!));
  }
  async receive(timeout = 0): Promise<Message | null> {
    return this.context.consumed(await this.consumer.receive(timeout));
  }
  async receiveNoWait(): Promise<Message | null> {
    return this.context.consumed(await this.consumer.receiveNoWait());
  }
  /**
   * JMS 2.0 `receiveBody`: the next message's body (string, Uint8Array, map object, or the
   * ObjectMessage value); null on timeout. A StreamMessage or body-less message throws
   * MessageFormatException and is not acknowledged: the next receive gets it again.
   */
  async receiveBody<T = unknown>(timeout = 0): Promise<T | null> {
    const m = this.context.consumed(await this.consumer.receiveAccepting(timeout, checkBody));
    return m === null ? null : (m.getBody() as T);
  }
  async receiveBodyNoWait<T = unknown>(): Promise<T | null> {
    const m = this.context.consumed(await this.consumer.receiveNoWaitAccepting(checkBody));
    return m === null ? null : (m.getBody() as T);
  }
  async close(): Promise<void> {
    await this.consumer.close();
  }
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return this.consumer[Symbol.asyncIterator]();
  }
}

function checkBody(m: Message): void {
  if (m instanceof StreamMessage || m.kind === 'message') {
    throw new MessageFormatException(`receiveBody cannot return the body of a ${m.kind === 'message' ? 'Message' : 'StreamMessage'}`);
  }
}
