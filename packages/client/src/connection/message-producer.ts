import { DeliveryMode, MessageDefaults, type DeliveryModeValue } from '../constants.js';
import { Destination } from '../destination.js';
import { IllegalStateException, InvalidDestinationException, JMSException, MessageFormatException } from '../errors.js';
import type { Message } from '../message/message.js';
import { encodeMessage } from '../wire/message-codec.js';
import { refusesSendMessageId } from './broker-quirks.js';
import type { Session } from './session.js';

/** JMS 2.0 `CompletionListener` for asynchronous sends. */
export interface CompletionListener {
  onCompletion(message: Message): void;
  onException(message: Message, exception: JMSException): void;
}

/** The delivery options of one send. */
interface SendOptions {
  deliveryMode: DeliveryModeValue;
  priority: number;
  timeToLive: number;
}

/**
 * JMS `MessageProducer`. A PERSISTENT send outside a transaction resolves once the broker's
 * RECEIPT confirms the message is stored, and rejects with the broker's ERROR as a JMSException;
 * a NON_PERSISTENT send resolves once written (ActiveMQ's default async send for non-persistent).
 */
export class MessageProducer {
  private deliveryMode: DeliveryModeValue = MessageDefaults.DEFAULT_DELIVERY_MODE;
  private priority: number = MessageDefaults.DEFAULT_PRIORITY;
  private timeToLive: number = MessageDefaults.DEFAULT_TIME_TO_LIVE;
  private deliveryDelay: number = MessageDefaults.DEFAULT_DELIVERY_DELAY;
  private disableMessageID = false;
  private disableMessageTimestamp = false;
  private closed = false;

  /** @internal */
  constructor(
    private readonly session: Session,
    private readonly destination: Destination | null,
  ) {}

  getDestination(): Destination | null {
    this.checkOpen();
    return this.destination;
  }
  setDeliveryMode(mode: DeliveryModeValue): void {
    this.checkOpen();
    if (mode !== DeliveryMode.PERSISTENT && mode !== DeliveryMode.NON_PERSISTENT) {
      throw new JMSException(`delivery mode must be DeliveryMode.PERSISTENT or NON_PERSISTENT, not ${String(mode)}`, {
        code: 'INVALID_DELIVERY_MODE',
      });
    }
    this.deliveryMode = mode;
  }
  getDeliveryMode(): DeliveryModeValue {
    this.checkOpen();
    return this.deliveryMode;
  }
  /** 0..9. */
  setPriority(priority: number): void {
    this.checkOpen();
    checkPriority(priority);
    this.priority = priority;
  }
  getPriority(): number {
    this.checkOpen();
    return this.priority;
  }
  /** Milliseconds until the message expires; 0 (default) never. */
  setTimeToLive(ms: number): void {
    this.checkOpen();
    this.timeToLive = checkNonNegative(ms, 'time to live');
  }
  getTimeToLive(): number {
    this.checkOpen();
    return this.timeToLive;
  }
  /** JMS 2.0: milliseconds before the broker may deliver the message (ActiveMQ `AMQ_SCHEDULED_DELAY`). */
  setDeliveryDelay(ms: number): void {
    this.checkOpen();
    this.deliveryDelay = checkNonNegative(ms, 'delivery delay');
  }
  getDeliveryDelay(): number {
    this.checkOpen();
    return this.deliveryDelay;
  }
  setDisableMessageID(disable: boolean): void {
    this.checkOpen();
    this.disableMessageID = disable;
  }
  getDisableMessageID(): boolean {
    this.checkOpen();
    return this.disableMessageID;
  }
  setDisableMessageTimestamp(disable: boolean): void {
    this.checkOpen();
    this.disableMessageTimestamp = disable;
  }
  getDisableMessageTimestamp(): boolean {
    this.checkOpen();
    return this.disableMessageTimestamp;
  }

  /** Sends to the producer's destination with its defaults; with a CompletionListener the send is asynchronous (JMS 2.0 §7.3). */
  send(message: Message, completionListener?: CompletionListener): Promise<void>;
  /** Sends to the producer's destination with explicit delivery mode, priority and time to live. */
  send(
    message: Message,
    deliveryMode: DeliveryModeValue,
    priority: number,
    timeToLive: number,
    completionListener?: CompletionListener,
  ): Promise<void>;
  /** Sends to `destination` (the producer must have been created without one). */
  send(destination: Destination, message: Message, completionListener?: CompletionListener): Promise<void>;
  send(
    destination: Destination,
    message: Message,
    deliveryMode: DeliveryModeValue,
    priority: number,
    timeToLive: number,
    completionListener?: CompletionListener,
  ): Promise<void>;
  async send(...args: unknown[]): Promise<void> {
    this.checkOpen();
    let destination: Destination | null = null;
    if (args[0] instanceof Destination) {
      if (this.destination !== null) {
        throw new JMSException('this producer has a destination; use a producer created without one to name it per send', {
          code: 'UNSUPPORTED_OPERATION',
        });
      }
      destination = args.shift() as Destination;
    } else {
      destination = this.destination;
    }
    if (destination === null) throw new InvalidDestinationException('no destination: the producer has none and the send named none');
    const message = args[0] as Message;
    let options: SendOptions = { deliveryMode: this.deliveryMode, priority: this.priority, timeToLive: this.timeToLive };
    let listener: CompletionListener | undefined;
    if (typeof args[1] === 'number') {
      options = { deliveryMode: args[1] as DeliveryModeValue, priority: args[2] as number, timeToLive: args[3] as number };
      checkPriority(options.priority);
      checkNonNegative(options.timeToLive, 'time to live');
      listener = args[4] as CompletionListener | undefined;
    } else {
      listener = args[1] as CompletionListener | undefined;
    }
    const done = this.doSend(destination, message, options);
    if (listener === undefined) return done;
    // JMS 2.0 §7.3: the listener is told later; the call itself returns once the send is under way.
    done.then(
      () => listener.onCompletion(message),
      (e: unknown) =>
        listener.onException(message, e instanceof JMSException ? e : new JMSException(String(e), { cause: e })),
    );
  }

  /** Closes the producer; later calls throw IllegalStateException. */
  async close(): Promise<void> {
    this.closed = true;
    this.session.producerClosed(this);
  }

  /** @internal */
  markClosed(): void {
    this.closed = true;
  }

  private async doSend(destination: Destination, message: Message, options: SendOptions): Promise<void> {
    const connection = this.session.connection;
    await connection.ensureConnected();
    const now = Date.now();
    message.setJMSDestination(destination);
    message.setJMSDeliveryMode(options.deliveryMode);
    message.setJMSPriority(options.priority);
    const timestamp = this.disableMessageTimestamp ? 0 : now;
    message.setJMSTimestamp(timestamp);
    message.setJMSExpiration(options.timeToLive > 0 ? now + options.timeToLive : 0);
    message.setJMSDeliveryTime(now + this.deliveryDelay);
    message.setJMSMessageID(this.disableMessageID ? null : connection.nextMessageId());
    const { headers, body, contentLength } = encodeMessage(message);
    // Brokers assign the id consumers see anyway; RabbitMQ even refuses the SEND ("'message-id' is not allowed").
    if (refusesSendMessageId(connection.client().serverName)) delete headers['message-id'];
    // The codec derives the delay from JMSDeliveryTime - JMSTimestamp, which fails with timestamps disabled.
    if (this.deliveryDelay > 0) headers['AMQ_SCHEDULED_DELAY'] = String(this.deliveryDelay);
    const tx = this.session.transactionHeader();
    if (tx !== undefined) headers['transaction'] = tx;
    const receipt = tx === undefined && options.deliveryMode === DeliveryMode.PERSISTENT;
    await connection.client().send('SEND', headers, body, receipt, contentLength);
  }

  private checkOpen(): void {
    if (this.closed) throw new IllegalStateException('the producer is closed');
    this.session.checkOpen();
  }
}

function checkPriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < 0 || priority > 9) {
    throw new MessageFormatException(`priority must be an integer 0..9, not ${priority}`);
  }
}

function checkNonNegative(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new JMSException(`${what} must be a non-negative number of ms, not ${ms}`, { code: 'INVALID_ARGUMENT' });
  return ms;
}
