/**
 * Header names recur in frame after frame. Reusing one string per name, instead of building a
 * new one for every header line, saves the allocation and lets the engine skip re-hashing the
 * name each time it becomes a property key.
 */
import { latin1 } from './utf8.js';

const SLOTS = 256;
/** Longer names are rare and not worth holding on to. */
const MAX_CACHED_LENGTH = 64;

const cache: Array<string | undefined> = new Array<string | undefined>(SLOTS).fill(undefined);

function slotOf(bytes: ArrayLike<number>, start: number, end: number): number {
  let hash = end - start;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + bytes[i]!) | 0;
  return hash & (SLOTS - 1);
}

/**
 * The header name in `bytes[start, end)`, which must be ASCII without escapes. Always equal to
 * `latin1(bytes, start, end)`; usually a string seen before.
 */
export function headerName(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > MAX_CACHED_LENGTH) return latin1(bytes, start, end);
  const slot = slotOf(bytes, start, end);
  const cached = cache[slot];
  if (cached !== undefined && cached.length === length) {
    let i = 0;
    while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
    if (i === length) return cached;
  }
  const name = latin1(bytes, start, end);
  cache[slot] = name;
  return name;
}

// The names of the protocol itself start out cached.
for (const name of [
  'destination',
  'content-length',
  'content-type',
  'receipt',
  'receipt-id',
  'transaction',
  'id',
  'ack',
  'subscription',
  'message-id',
  'persistent',
  'priority',
  'expires',
  'selector',
  'timestamp',
  'correlation-id',
  'reply-to',
  'type',
]) {
  const codes = Array.from(name, (c) => c.charCodeAt(0));
  cache[slotOf(codes, 0, codes.length)] = name;
}
