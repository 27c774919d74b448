/**
 * The JMS `Message`: headers, typed properties and the read-only rules shared by every body type.
 * @packageDocumentation
 */
import { DeliveryMode, MessageDefaults, type DeliveryModeValue } from '../constants.js';
import type { Destination } from '../destination.js';
import { MessageFormatException, MessageNotWriteableException } from '../errors.js';
import { checkPropertyName } from './property-name.js';
import { convert, inferTyped, toObject, typed, type JavaType, type JmsObject, type TypedValue } from './values.js';

/** The body kinds, as the wire format and `instanceof` checks distinguish them. */
export type MessageKind = 'message' | 'text' | 'bytes' | 'map' | 'stream' | 'object';

/** Called by `acknowledge()`; installed by the session that delivered the message. */
export type AcknowledgeHook = () => Promise<void>;

/**
 * A JMS message with no body (JMS `Message`), and the base of every body type.
 *
 * Property getters and setters follow JMS 2.0 §3.5.4: a value set as one Java type can be read as
 * the wider types and as a string; anything else throws {@link MessageFormatException}. A Java
 * `long` is a `bigint`. Received messages are read-only until `clearProperties()` / `clearBody()`.
 */
export class Message {
  /** Which body type this is. */
  readonly kind: MessageKind = 'message';

  /** @internal */ protected properties = new Map<string, TypedValue>();
  /** @internal */ protected propertiesReadOnly = false;
  /** @internal */ protected bodyReadOnly = false;

  private messageId: string | null = null;
  private timestamp = 0;
  private correlationId: string | null = null;
  private replyTo: Destination | null = null;
  private destination: Destination | null = null;
  private deliveryMode: DeliveryModeValue = DeliveryMode.PERSISTENT;
  private redelivered = false;
  private type: string | null = null;
  private expiration = 0;
  private priority: number = MessageDefaults.DEFAULT_PRIORITY;
  private deliveryTime = 0;

  /** @internal Installed on received messages by the delivering session. */
  acknowledgeHook: AcknowledgeHook | undefined;

  // ---- headers -------------------------------------------------------------------------------

  /** The broker-assigned id, `ID:...`; null before sending or with `setDisableMessageID(true)`. */
  getJMSMessageID(): string | null {
    return this.messageId;
  }
  /** Set by the provider when the message is sent; an id always starts with `ID:`. */
  setJMSMessageID(id: string | null): void {
    this.messageId = id === null || id.startsWith('ID:') ? id : `ID:${id}`;
  }
  /** Epoch milliseconds when the message was handed to the provider; 0 if disabled. */
  getJMSTimestamp(): number {
    return this.timestamp;
  }
  setJMSTimestamp(timestamp: number): void {
    this.timestamp = timestamp;
  }
  /** Links a reply to its request; set by the application. */
  getJMSCorrelationID(): string | null {
    return this.correlationId;
  }
  setJMSCorrelationID(id: string | null): void {
    this.correlationId = id;
  }
  /** Where replies should be sent. */
  getJMSReplyTo(): Destination | null {
    return this.replyTo;
  }
  setJMSReplyTo(destination: Destination | null): void {
    this.replyTo = destination;
  }
  /** Where the message was sent; set by the provider on send. */
  getJMSDestination(): Destination | null {
    return this.destination;
  }
  setJMSDestination(destination: Destination | null): void {
    this.destination = destination;
  }
  /** {@link DeliveryMode.PERSISTENT} or {@link DeliveryMode.NON_PERSISTENT}; set by the provider on send. */
  getJMSDeliveryMode(): DeliveryModeValue {
    return this.deliveryMode;
  }
  setJMSDeliveryMode(mode: DeliveryModeValue): void {
    if (mode !== DeliveryMode.PERSISTENT && mode !== DeliveryMode.NON_PERSISTENT) {
      throw new MessageFormatException(`delivery mode must be 1 or 2, not ${String(mode)}`);
    }
    this.deliveryMode = mode;
  }
  /** True when the message was delivered before without being acknowledged. */
  getJMSRedelivered(): boolean {
    return this.redelivered;
  }
  setJMSRedelivered(redelivered: boolean): void {
    this.redelivered = redelivered;
  }
  /** An application-defined type name. */
  getJMSType(): string | null {
    return this.type;
  }
  setJMSType(type: string | null): void {
    this.type = type;
  }
  /** Epoch milliseconds after which the message is dropped; 0 never expires. Set by the provider on send. */
  getJMSExpiration(): number {
    return this.expiration;
  }
  setJMSExpiration(expiration: number): void {
    this.expiration = expiration;
  }
  /** 0 (lowest) to 9 (highest); 4 by default. Set by the provider on send. */
  getJMSPriority(): number {
    return this.priority;
  }
  setJMSPriority(priority: number): void {
    if (!Number.isInteger(priority) || priority < 0 || priority > 9) {
      throw new MessageFormatException(`priority must be an integer 0..9, not ${priority}`);
    }
    this.priority = priority;
  }
  /** JMS 2.0: epoch milliseconds before which the message is not delivered. Set by the provider on send. */
  getJMSDeliveryTime(): number {
    return this.deliveryTime;
  }
  setJMSDeliveryTime(time: number): void {
    this.deliveryTime = time;
  }

  // ---- properties ----------------------------------------------------------------------------

  /** True when a property of that name is set (including JMSX properties the provider set). */
  propertyExists(name: string): boolean {
    return this.properties.has(name);
  }
  /** Names of all properties set, JMSX ones included. */
  getPropertyNames(): string[] {
    return [...this.properties.keys()];
  }
  /** Removes every property and makes the properties writable again (JMS 2.0 §3.10). */
  clearProperties(): void {
    this.properties = new Map();
    this.propertiesReadOnly = false;
  }

  getBooleanProperty(name: string): boolean {
    return convert.toBoolean(this.properties.get(name) ?? null);
  }
  getByteProperty(name: string): number {
    return convert.toByte(this.properties.get(name) ?? null);
  }
  getShortProperty(name: string): number {
    return convert.toShort(this.properties.get(name) ?? null);
  }
  getIntProperty(name: string): number {
    return convert.toInt(this.properties.get(name) ?? null);
  }
  /** A Java long, as a bigint. */
  getLongProperty(name: string): bigint {
    return convert.toLong(this.properties.get(name) ?? null);
  }
  getFloatProperty(name: string): number {
    return convert.toFloat(this.properties.get(name) ?? null);
  }
  getDoubleProperty(name: string): number {
    return convert.toDouble(this.properties.get(name) ?? null);
  }
  /** The property as Java's `String.valueOf` would print it; null when absent. */
  getStringProperty(name: string): string | null {
    return convert.toString(this.properties.get(name) ?? null);
  }
  /** The property's value as stored (long as bigint); null when absent. */
  getObjectProperty(name: string): JmsObject {
    return toObject(this.properties.get(name) ?? null);
  }
  /** The property's Java type, or undefined when absent. Not in JMS; useful when porting `instanceof` checks. */
  getPropertyType(name: string): JavaType | undefined {
    return this.properties.get(name)?.type;
  }

  setBooleanProperty(name: string, value: boolean): void {
    this.setProperty(name, typed('boolean', value));
  }
  /** Throws MessageFormatException outside -128..127. */
  setByteProperty(name: string, value: number): void {
    this.setProperty(name, typed('byte', value));
  }
  /** Throws MessageFormatException outside -32768..32767. */
  setShortProperty(name: string, value: number): void {
    this.setProperty(name, typed('short', value));
  }
  /** Throws MessageFormatException for a non-integer or a value outside the Java int range. */
  setIntProperty(name: string, value: number): void {
    this.setProperty(name, typed('int', value));
  }
  /** A Java long: a bigint (a safe-integer number is accepted and widened). */
  setLongProperty(name: string, value: bigint | number): void {
    this.setProperty(name, typed('long', value));
  }
  /** Stored rounded to 32-bit precision, as Java would. */
  setFloatProperty(name: string, value: number): void {
    this.setProperty(name, typed('float', value));
  }
  setDoubleProperty(name: string, value: number): void {
    this.setProperty(name, typed('double', value));
  }
  setStringProperty(name: string, value: string): void {
    this.setProperty(name, typed('string', value));
  }
  /**
   * Sets a property from a JavaScript value: boolean, string, bigint (long), or number (an int when it
   * is an integer in int range, otherwise a double). Pass a `{type, value}` to pick any other type.
   */
  setObjectProperty(name: string, value: boolean | number | bigint | string | TypedValue): void {
    this.setProperty(name, inferTyped(value, false));
  }

  private setProperty(name: string, value: TypedValue): void {
    if (this.propertiesReadOnly) {
      throw new MessageNotWriteableException('the properties of a received message are read-only until clearProperties()');
    }
    checkPropertyName(name);
    this.properties.set(name, value);
  }

  // ---- body and acknowledgement --------------------------------------------------------------

  /** Empties the body and makes it writable (JMS 2.0 §3.11.2). A plain Message has no body. */
  clearBody(): void {
    this.bodyReadOnly = false;
  }

  /** JMS 2.0 `getBody`: the body as its natural JavaScript value; null for a plain Message. */
  getBody(): unknown {
    return null;
  }

  /**
   * Acknowledges this message and, in CLIENT_ACKNOWLEDGE mode, every message the session consumed
   * before it (JMS 2.0 §6.2.10); only this one in INDIVIDUAL_ACKNOWLEDGE mode. Does nothing in
   * other modes or on a message that was not received.
   */
  async acknowledge(): Promise<void> {
    await this.acknowledgeHook?.();
  }

  /** @internal Stores a property without name checks: for JMSX values set by the provider and for decoding. */
  setProviderProperty(name: string, value: TypedValue): void {
    this.properties.set(name, value);
  }
  /** @internal The properties as stored, for encoding. */
  propertyEntries(): ReadonlyMap<string, TypedValue> {
    return this.properties;
  }
  /** @internal Makes a received message read-only (JMS 2.0 §3.10, §3.11.2). */
  markReceived(): void {
    this.propertiesReadOnly = true;
    this.bodyReadOnly = true;
  }
  /** @internal Throws MessageNotWriteableException when the body is read-only. */
  protected checkBodyWritable(): void {
    if (this.bodyReadOnly) {
      throw new MessageNotWriteableException('the body of a received message is read-only until clearBody()');
    }
  }
}
