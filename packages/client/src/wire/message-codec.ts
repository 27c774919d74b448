/**
 * JMS message <-> STOMP frame, following ActiveMQ's STOMP conventions so the same frame is the same
 * message for ActiveMQ's Java clients. docs/wire-format.md describes the mapping.
 * @packageDocumentation
 */
import { utf8Decode, utf8Encode, type StompFrame, type StompHeaders } from '@tsmq/codec';
import { PROPERTY_TYPES_HEADER, decodeTypedValue, encodePropertyTypes, parsePropertyTypes, type JmsPropertyType } from '@tsmq/selector';
import { DeliveryMode } from '../constants.js';
import { destinationFromStomp } from '../destination.js';
import { MessageFormatException } from '../errors.js';
import { BytesMessage } from '../message/bytes-message.js';
import { MapMessage } from '../message/map-message.js';
import { Message } from '../message/message.js';
import { ObjectMessage } from '../message/object-message.js';
import { StreamMessage } from '../message/stream-message.js';
import { TextMessage } from '../message/text-message.js';
import { toJavaString, type TypedValue } from '../message/values.js';
import { decodeMapJson, decodeStreamJson, encodeMapJson, encodeStreamJson } from './typed-json.js';

/** ActiveMQ's header telling a text body from a bytes body. */
export const AMQ_MSG_TYPE = 'amq-msg-type';
/** ActiveMQ's header naming the body transformation (`jms-map-json`, `jms-object-json`). */
export const TRANSFORMATION = 'transformation';
/** ActiveMQ's header on a message whose `transformation` it could not apply (the body is left as sent). */
export const TRANSFORMATION_ERROR = 'transformation-error';
/** Our marker for bodies ActiveMQ has no STOMP form for (StreamMessage). */
export const TSMQ_MSG_TYPE = 'tsmq-msg-type';
/** ActiveMQ's scheduled-delivery header (milliseconds). */
export const AMQ_SCHEDULED_DELAY = 'AMQ_SCHEDULED_DELAY';

/**
 * Headers that carry STOMP protocol or JMS header fields, never application properties. A property
 * with one of these names could not travel as itself, so sending one is refused.
 */
const CONTROL_HEADERS: ReadonlySet<string> = new Set([
  'destination',
  'message-id',
  'subscription',
  'ack',
  'id',
  'receipt',
  'receipt-id',
  'transaction',
  'content-length',
  'content-type',
  'persistent',
  'priority',
  'expires',
  'timestamp',
  'correlation-id',
  'reply-to',
  'type',
  'redelivered',
  'selector',
  'browser',
  'JMSXDeliveryCount',
  PROPERTY_TYPES_HEADER,
  AMQ_MSG_TYPE,
  TRANSFORMATION,
  TSMQ_MSG_TYPE,
  AMQ_SCHEDULED_DELAY,
]);

/**
 * The `transformation` a consumer asks ActiveMQ for: Map (and Object) messages arrive as JSON with
 * `transformation:jms-map-json`, text and bytes unchanged. Without it ActiveMQ delivers a Java
 * client's MapMessage as an empty body.
 */
export const SUBSCRIBE_TRANSFORMATION = 'jms-json';

/** A SEND frame's headers and body, destination and transaction still to be added by the caller. */
export interface EncodedMessage {
  headers: StompHeaders;
  body: Uint8Array;
  /**
   * Whether the frame carries content-length. ActiveMQ applies a `transformation` only to a SEND
   * without one (with one it stores the JSON as a BytesMessage), so Map bodies go without; they are
   * JSON, which holds no NUL byte.
   */
  contentLength: boolean;
}

/** Encodes a message whose JMS header fields the producer already set. */
export function encodeMessage(message: Message): EncodedMessage {
  const headers: StompHeaders = {};
  const destination = message.getJMSDestination();
  if (destination !== null) headers['destination'] = destination.stompName;
  const id = message.getJMSMessageID();
  if (id !== null) headers['message-id'] = id;
  headers['persistent'] = message.getJMSDeliveryMode() === DeliveryMode.PERSISTENT ? 'true' : 'false';
  headers['priority'] = String(message.getJMSPriority());
  if (message.getJMSTimestamp() !== 0) headers['timestamp'] = String(message.getJMSTimestamp());
  if (message.getJMSExpiration() !== 0) headers['expires'] = String(message.getJMSExpiration());
  const correlationId = message.getJMSCorrelationID();
  if (correlationId !== null) headers['correlation-id'] = correlationId;
  const replyTo = message.getJMSReplyTo();
  if (replyTo !== null) headers['reply-to'] = replyTo.stompName;
  const type = message.getJMSType();
  if (type !== null) headers['type'] = type;
  const deliveryTime = message.getJMSDeliveryTime();
  const timestamp = message.getJMSTimestamp();
  if (deliveryTime > timestamp && timestamp !== 0) headers[AMQ_SCHEDULED_DELAY] = String(deliveryTime - timestamp);

  let types: [string, JmsPropertyType][] | undefined;
  for (const [name, value] of message.propertyEntries()) {
    // A forwarded message carries the count of its previous delivery; the broker counts anew.
    if (name === 'JMSXDeliveryCount') continue;
    if (CONTROL_HEADERS.has(name)) {
      throw new MessageFormatException(`property "${name}" cannot be sent: STOMP uses a header of that name`);
    }
    headers[name] = propertyText(value);
    if (value.type !== 'string') (types ??= []).push([name, value.type as JmsPropertyType]);
  }
  if (types !== undefined) headers[PROPERTY_TYPES_HEADER] = encodePropertyTypes(types);

  const body = encodeBody(message, headers);
  return { headers, body, contentLength: headers[TRANSFORMATION] !== 'jms-map-json' };
}

/** Property text as the selector package's wire mapping reads it back (floats as `String(n)`). */
function propertyText(value: TypedValue): string {
  switch (value.type) {
    case 'float':
    case 'double':
      return String(value.value);
    default:
      return toJavaString(value);
  }
}

const EMPTY = new Uint8Array(0);

function encodeBody(message: Message, headers: StompHeaders): Uint8Array {
  if (message instanceof TextMessage) {
    // ActiveMQ makes a SEND with content-length a BytesMessage unless it says amq-msg-type:text.
    headers[AMQ_MSG_TYPE] = 'text';
    const text = message.getText();
    return text === null ? EMPTY : utf8Encode(text);
  }
  if (message instanceof BytesMessage) {
    headers[AMQ_MSG_TYPE] = 'bytes';
    return message.bodyView();
  }
  if (message instanceof MapMessage) {
    headers[TRANSFORMATION] = 'jms-map-json';
    return utf8Encode(encodeMapJson(message.typedEntries()));
  }
  if (message instanceof ObjectMessage) {
    headers[TRANSFORMATION] = 'jms-object-json';
    const json = message.getJson();
    return json === null ? EMPTY : utf8Encode(json);
  }
  if (message instanceof StreamMessage) {
    // ActiveMQ has no STOMP form for a StreamMessage: Java clients see this JSON as a TextMessage.
    headers[TSMQ_MSG_TYPE] = 'stream';
    headers[AMQ_MSG_TYPE] = 'text';
    return utf8Encode(encodeStreamJson(message.typedFields()));
  }
  // A body-less Message has no ActiveMQ STOMP form either; without the marker it would read as an empty text.
  headers[TSMQ_MSG_TYPE] = 'message';
  return EMPTY;
}

/** Builds the received message for a MESSAGE frame; the body is a view on the frame's bytes, not a copy. */
export function decodeMessage(frame: StompFrame): Message {
  const h = frame.headers;
  const message = createForFrame(h, frame.body);

  const id = h['message-id'];
  if (id !== undefined) message.setJMSMessageID(id);
  const destination = h['destination'];
  if (destination !== undefined) message.setJMSDestination(destinationFromStomp(destination));
  message.setJMSDeliveryMode(h['persistent'] === 'true' ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
  const priority = Number(h['priority']);
  if (Number.isInteger(priority) && priority >= 0 && priority <= 9) message.setJMSPriority(priority);
  const timestamp = Number(h['timestamp'] ?? 0);
  if (Number.isFinite(timestamp)) message.setJMSTimestamp(timestamp);
  const expires = Number(h['expires'] ?? 0);
  if (Number.isFinite(expires)) message.setJMSExpiration(expires);
  const correlationId = h['correlation-id'];
  if (correlationId !== undefined) message.setJMSCorrelationID(correlationId);
  const replyTo = h['reply-to'];
  if (replyTo !== undefined && replyTo !== '') message.setJMSReplyTo(destinationFromStomp(replyTo));
  const type = h['type'];
  if (type !== undefined) message.setJMSType(type);
  message.setJMSRedelivered(h['redelivered'] === 'true');
  const delay = Number(h[AMQ_SCHEDULED_DELAY] ?? 0);
  message.setJMSDeliveryTime(message.getJMSTimestamp() + (Number.isFinite(delay) ? delay : 0));

  const deliveryCount = Number(h['JMSXDeliveryCount'] ?? 1);
  message.setProviderProperty('JMSXDeliveryCount', {
    type: 'int',
    value: Number.isInteger(deliveryCount) && deliveryCount > 0 ? deliveryCount : 1,
  });

  const typesText = h[PROPERTY_TYPES_HEADER];
  const types = typesText === undefined ? undefined : declaredTypes(typesText);
  for (const name in h) {
    if (CONTROL_HEADERS.has(name)) continue;
    const raw = h[name]!;
    const declared = types?.get(name);
    message.setProviderProperty(name, declared === undefined ? { type: 'string', value: raw } : decodeProperty(raw, declared));
  }
  message.markReceived();
  return message;
}

// Consecutive messages of one producer carry the same declaration: parse it once.
let lastTypesText: string | undefined;
let lastTypes: ReadonlyMap<string, JmsPropertyType> | undefined;

function declaredTypes(text: string): ReadonlyMap<string, JmsPropertyType> | undefined {
  if (text === lastTypesText) return lastTypes;
  let types: ReadonlyMap<string, JmsPropertyType> | undefined;
  try {
    types = parsePropertyTypes(text);
  } catch {
    // A malformed declaration from a foreign producer: keep the values as strings rather than lose the message.
    types = undefined;
  }
  lastTypesText = text;
  lastTypes = types;
  return types;
}

function decodeProperty(raw: string, type: JmsPropertyType): TypedValue {
  try {
    const v = decodeTypedValue(raw, type);
    switch (type) {
      case 'boolean':
        return { type, value: v as boolean };
      case 'long':
        return { type, value: v as bigint };
      case 'float':
        return { type, value: Math.fround(v as number) };
      default:
        return { type, value: v as number };
    }
  } catch {
    return { type: 'string', value: raw };
  }
}

function createForFrame(h: StompHeaders, body: Uint8Array): Message {
  const transformation = h[TRANSFORMATION];
  if (transformation === 'jms-map-json') {
    const m = new MapMessage();
    for (const [k, v] of decodeMapJson(utf8Decode(body))) m.setTypedEntry(k, v);
    return m;
  }
  if (h[TRANSFORMATION_ERROR] !== undefined && isMapJson(body)) {
    // ActiveMQ refused to build a Java map (its XStream forbids byte[] entries) and stored the
    // JSON as a TextMessage; the map is still all there for a tsmq consumer.
    try {
      const m = new MapMessage();
      for (const [k, v] of decodeMapJson(utf8Decode(body))) m.setTypedEntry(k, v);
      return m;
    } catch {
      // Not our map after all: fall through to the text it is.
    }
  }
  if (transformation === 'jms-object-json') {
    const m = new ObjectMessage();
    m.setJson(body.length === 0 ? null : utf8Decode(body));
    return m;
  }
  const ours = h[TSMQ_MSG_TYPE];
  if (ours === 'message') return new Message();
  if (ours === 'stream') {
    const m = new StreamMessage();
    m.adoptFields(decodeStreamJson(utf8Decode(body)));
    return m;
  }
  const amqType = h[AMQ_MSG_TYPE];
  // ActiveMQ's rule: a body with content-length is bytes unless amq-msg-type says text. A textual
  // content-type (plain STOMP clients set one; ActiveMQ ignores it) also makes a text message, since
  // brokers that always write content-length would otherwise turn every plain-STOMP text into bytes.
  const isBytes =
    amqType === 'bytes' ||
    (amqType !== 'text' && h['content-length'] !== undefined && !isTextContentType(h['content-type']));
  if (isBytes) {
    const m = new BytesMessage();
    m.adoptBody(body);
    return m;
  }
  return new TextMessage(utf8Decode(body));
}

const MAP_JSON_START = utf8Encode('{"map"');

function isMapJson(body: Uint8Array): boolean {
  if (body.length < MAP_JSON_START.length) return false;
  for (let i = 0; i < MAP_JSON_START.length; i++) if (body[i] !== MAP_JSON_START[i]) return false;
  return true;
}

function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.startsWith('text/') || contentType.startsWith('application/json') || contentType.startsWith('application/xml');
}
