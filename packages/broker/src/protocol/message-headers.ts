import type { PiecewiseFrame, StompHeaders } from '@tsmq/codec';
import { SCHEDULED_DELAY_HEADER, SCHEDULED_PERIOD_HEADER, SCHEDULED_REPEAT_HEADER } from '../core/scheduler.js';
import { StompProtocolError } from '../errors.js';
import type { StoredMessage } from '../store/message-store.js';

/**
 * Headers that steer the protocol rather than describe the message: never stored nor
 * delivered. content-length is recomputed when the MESSAGE is written; the delivery headers
 * (message-id, subscription, ack, redelivered, JMSXDeliveryCount) are the broker's to set.
 */
const CONTROL_HEADERS: ReadonlySet<string> = new Set([
  'receipt',
  'transaction',
  'content-length',
  'destination',
  'login',
  'passcode',
  'host',
  'accept-version',
  'heart-beat',
  'ack',
  'id',
  'subscription',
  'message-id',
  'redelivered',
  'JMSXDeliveryCount',
]);

const DEFAULT_PRIORITY = 4;

function invalidHeader(name: string, value: string, rule: string): StompProtocolError {
  return new StompProtocolError('INVALID_HEADER', `invalid ${name} header`, `${name} must be ${rule}, not ${JSON.stringify(value.slice(0, 40))}.`);
}

/** JMS 1.1 §3.4.10: priority is 0 (lowest) to 9 (highest); anything else is refused rather than clamped. */
function parsePriority(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PRIORITY;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 9) throw invalidHeader('priority', value, 'an integer from 0 to 9');
  return n;
}

function parseEpochMs(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw invalidHeader('expires', value, 'a time in milliseconds since the epoch, or 0 for never');
  return n;
}

/** A non-negative integer header (milliseconds or a count); undefined when absent. */
function parseCount(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw invalidHeader(name, value, 'a non-negative integer');
  return n;
}

/**
 * The message a SEND frame carries. `seq`, and `messageId` unless the producer set one, are assigned by the caller (at
 * arrival, or at COMMIT for transacted sends). The body is the frame's, not a copy.
 * @throws StompProtocolError INVALID_HEADER for a priority outside 0-9, a malformed `expires`, or
 * a negative or non-numeric `AMQ_SCHEDULED_*` header.
 */
export function messageFromSend(frame: PiecewiseFrame, destination: string, now: number, scheduling: boolean): StoredMessage {
  const source = frame.headers;
  // A null prototype so that `__proto__` or `constructor` is just a header; set on a literal
  // because engines keep `Object.create(null)` objects in slow dictionary mode, and every message's
  // headers are copied and enumerated several times.
  const headers = Object.setPrototypeOf({}, null) as StompHeaders;
  for (const key in source) if (!CONTROL_HEADERS.has(key)) headers[key] = source[key]!;
  // ActiveMQ stamps the arrival time when the producer did not set JMSTimestamp.
  if (headers.timestamp === undefined) headers.timestamp = String(now);
  return {
    seq: 0,
    messageId: producerMessageId(source['message-id']),
    destination,
    headers,
    body: frame.body,
    persistent: source.persistent === 'true',
    priority: parsePriority(source.priority),
    expires: parseEpochMs(source.expires),
    deliverAt: scheduling ? scheduledTime(source, now) : 0,
    redeliveryCount: 0,
  };
}

/**
 * JMS 2.0 §3.4.3: JMSMessageID is set on the message by `send`, so the id a JMS producer
 * assigned must be the one its consumers see. A SEND's `message-id` is kept when it has the JMS
 * `ID:` prefix (and a sane length); anything else is left for the broker to assign.
 */
function producerMessageId(value: string | undefined): string {
  return value !== undefined && value.length <= 256 && value.startsWith('ID:') ? value : '';
}

/**
 * When the message is first due, or 0 for now. A repeating message (period and repeat set) is
 * always scheduled, even without a delay, so that the scheduler makes its later copies.
 */
function scheduledTime(h: StompHeaders, now: number): number {
  const delay = parseCount(SCHEDULED_DELAY_HEADER, h[SCHEDULED_DELAY_HEADER]);
  const period = parseCount(SCHEDULED_PERIOD_HEADER, h[SCHEDULED_PERIOD_HEADER]);
  const repeat = parseCount(SCHEDULED_REPEAT_HEADER, h[SCHEDULED_REPEAT_HEADER]);
  if (delay !== undefined && delay > 0) return now + delay;
  if (period !== undefined && period > 0 && repeat !== undefined && repeat > 0) return now;
  return 0;
}
