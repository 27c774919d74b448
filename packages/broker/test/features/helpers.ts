import type { StompFrame } from '@tsmq/codec';
import { MemoryMessageStore, type StoreOp } from '../../src/index.js';
import type { TestBroker } from '../helpers/broker.js';
import { type RawStompClient, text } from '../helpers/raw-client.js';

/** A real in-memory store that also keeps every batch it was asked to write, in order. */
export class RecordingStore extends MemoryMessageStore {
  readonly batches: StoreOp[][] = [];

  override write(ops: StoreOp[]): Promise<void> {
    this.batches.push(ops);
    return super.write(ops);
  }
}

let unique = 0;
/** A destination name no other test uses. */
export const fresh = (prefix: '/queue/' | '/topic/', stem = 'f'): string => `${prefix}${stem}${++unique}`;

/** A connection with a client id (JMS setClientID). */
export const withClientId = (tb: TestBroker, clientId: string): Promise<RawStompClient> =>
  tb.client({ 'accept-version': '1.2', host: 'localhost', 'client-id': clientId });

/** Sends each body with a receipt and waits for every receipt. */
export async function produce(c: RawStompClient, destination: string, bodies: string[], headers: Record<string, string> = {}): Promise<void> {
  for (const [i, body] of bodies.entries()) c.send('SEND', { destination, receipt: `p-${destination}-${i}`, ...headers }, body);
  for (let i = 0; i < bodies.length; i++) await c.next('RECEIPT');
}

/** SUBSCRIBE with a receipt, waiting for it (the subscription then exists). */
export async function subscribe(c: RawStompClient, headers: Record<string, string>): Promise<void> {
  const receipt = `s-${headers.id ?? headers.destination}-${++unique}`;
  c.send('SUBSCRIBE', { ...headers, receipt });
  const r = await c.next('RECEIPT');
  if (r.headers['receipt-id'] !== receipt) throw new Error(`unexpected receipt ${r.headers['receipt-id']}`);
}

/** The next `n` MESSAGE frames. */
export async function messages(c: RawStompClient, n: number, timeoutMs?: number): Promise<StompFrame[]> {
  const out: StompFrame[] = [];
  for (let i = 0; i < n; i++) out.push(await c.next('MESSAGE', timeoutMs));
  return out;
}

/** Bodies of frames. */
export const bodies = (frames: StompFrame[]): string[] => frames.map(text);

/** The ERROR a bad frame gets: its code, and the broker still serves a new connection. */
export async function errorCode(c: RawStompClient): Promise<string | undefined> {
  return (await c.next('ERROR')).headers.code;
}
