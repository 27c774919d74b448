import type { StoredMessage } from './message-store.js';

/**
 * Merges two `seq`-ordered pages (from two stores holding one container's messages) into one
 * `seq`-ordered page of at most `max` messages, as `MessageStore.load` promises.
 */
export function mergeBySeq(a: StoredMessage[], b: StoredMessage[], max: number): StoredMessage[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: StoredMessage[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < a.length || j < b.length)) {
    out.push(j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq) ? a[i++]! : b[j++]!);
  }
  return out;
}
