import type { StompFrame, StompHeaders } from '@tsmq/codec';
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

function parsePriority(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PRIORITY;
  const n = Number(value);
  return Number.isInteger(n) ? Math.min(9, Math.max(0, n)) : DEFAULT_PRIORITY;
}

function parseEpochMs(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * The message a SEND frame carries. `seq` and `messageId` are assigned by the caller (at
 * arrival, or at COMMIT for transacted sends). The body is the frame's, not a copy.
 */
/** ActiveMQ's scheduled delivery header: milliseconds to wait before the message may be delivered. */
export const SCHEDULED_DELAY_HEADER = 'AMQ_SCHEDULED_DELAY';

export function messageFromSend(frame: StompFrame, destination: string, now: number, scheduling: boolean): StoredMessage {
  const source = frame.headers;
  const headers: StompHeaders = Object.create(null) as StompHeaders;
  for (const key in source) if (!CONTROL_HEADERS.has(key)) headers[key] = source[key]!;
  // ActiveMQ stamps the arrival time when the producer did not set JMSTimestamp.
  if (headers.timestamp === undefined) headers.timestamp = String(now);
  return {
    seq: 0,
    messageId: '',
    destination,
    headers,
    body: frame.body,
    persistent: source.persistent === 'true',
    priority: parsePriority(source.priority),
    expires: parseEpochMs(source.expires),
    deliverAt: scheduling ? scheduledTime(source[SCHEDULED_DELAY_HEADER], now) : 0,
    redeliveryCount: 0,
  };
}

function scheduledTime(delay: string | undefined, now: number): number {
  if (delay === undefined) return 0;
  const ms = Number(delay);
  return Number.isFinite(ms) && ms > 0 ? now + ms : 0;
}
