import { durableContainer, type DurableSubscriptionRecord } from '../message-store.js';
import { ContainerIndex } from './container-index.js';

/**
 * What the journal knows in memory: where every waiting message is, the durable subscriptions, and
 * which segments are still needed.
 *
 * ## When a segment may be deleted
 *
 * A segment is needed while it holds an add of a message still waiting or a live subscription
 * (`liveCount`). A segment holding only removes and updates is still needed while any segment its ops
 * refer to (the segments of the adds they removed or updated, `refersTo`) exists: deleting it first would
 * bring those messages back on replay. This is KahaDB's rule. References only ever point to older
 * segments (an add is written before its remove), so checking segments oldest first deletes whole chains
 * in one pass, and deleting in that order keeps every intermediate state on disk consistent.
 * The segment being appended to is never deleted.
 */
export class JournalIndex {
  readonly containers = new Map<string, ContainerIndex>();
  readonly subscriptions = new Map<string, { record: DurableSubscriptionRecord; seg: number }>();
  /** Live adds (messages and subscriptions) per existing segment. */
  readonly liveCount = new Map<number, number>();
  /** Older segments that each existing segment's removes and updates refer to. */
  readonly refersTo = new Map<number, Set<number>>();
  lastSeq = 0;
  /** Messages with a seq up to this may have been delivered before a crash (see the SUSPECT record). */
  suspectUpTo = 0;
  /** Bytes of the add ops of waiting messages. */
  usageBytes = 0;
  /** Set when a segment may have become deletable. */
  dirty = false;

  addSegment(seg: number): void {
    if (!this.liveCount.has(seg)) this.liveCount.set(seg, 0);
  }

  /** Places message `seq`: its add op is `[off, off+len)` of segment `seg`, inside the record `[rec, rec+rlen)`. */
  add(container: string, seq: number, prio: number, seg: number, off: number, len: number, rec: number, rlen: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
    let c = this.containers.get(container);
    if (!c) this.containers.set(container, (c = new ContainerIndex()));
    if (!c.insert(seq, seg, off, len, prio, rec, rlen)) return;
    this.liveCount.set(seg, (this.liveCount.get(seg) ?? 0) + 1);
    this.usageBytes += len;
  }

  remove(container: string, seq: number, recordSeg: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
    const c = this.containers.get(container);
    const found = c?.remove(seq);
    if (!c || !found) return;
    this.release(found.seg, recordSeg, found.len);
    if (c.size === 0) this.containers.delete(container);
  }

  update(container: string, seq: number, redeliveryCount: number, deliverAt: number, recordSeg: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
    const c = this.containers.get(container);
    const seg = c ? c.segmentOf(seq) : -1;
    if (!c || seg < 0) return;
    c.updates.set(seq, [redeliveryCount, deliverAt]);
    this.refer(recordSeg, seg);
  }

  addSubscription(record: DurableSubscriptionRecord, seg: number): void {
    const key = durableContainer(record.clientId, record.name);
    const old = this.subscriptions.get(key);
    if (old) this.release(old.seg, seg, 0);
    this.subscriptions.set(key, { record, seg });
    this.liveCount.set(seg, (this.liveCount.get(seg) ?? 0) + 1);
  }

  removeSubscription(clientId: string, name: string, recordSeg: number): void {
    const key = durableContainer(clientId, name);
    const sub = this.subscriptions.get(key);
    if (sub) {
      this.subscriptions.delete(key);
      this.release(sub.seg, recordSeg, 0);
    }
    const c = this.containers.get(key);
    if (c) {
      c.forEach((_seq, seg, len) => this.release(seg, recordSeg, len));
      this.containers.delete(key);
    }
  }

  /** Segments that may be deleted now, oldest first, given that `current` is being appended to. */
  deletableSegments(current: number): number[] {
    const out: number[] = [];
    const gone = new Set<number>();
    const ids = [...this.liveCount.keys()].sort((a, b) => a - b);
    for (const seg of ids) {
      if (seg === current || this.liveCount.get(seg) !== 0) continue;
      const refs = this.refersTo.get(seg);
      let needed = false;
      if (refs) {
        for (const r of refs) {
          // Forget a reference only once its target is really gone: if deleting it fails, this one must stay.
          if (!this.liveCount.has(r)) refs.delete(r);
          else if (!gone.has(r)) needed = true;
        }
      }
      if (!needed) {
        out.push(seg);
        gone.add(seg);
      }
    }
    return out;
  }

  /** Forgets a deleted segment. */
  dropSegment(seg: number): void {
    this.liveCount.delete(seg);
    this.refersTo.delete(seg);
  }

  /** Messages waiting per container. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [name, c] of this.containers) m.set(name, c.size);
    return m;
  }

  private release(addSeg: number, recordSeg: number, len: number): void {
    const n = (this.liveCount.get(addSeg) ?? 1) - 1;
    this.liveCount.set(addSeg, n);
    this.usageBytes -= len;
    this.refer(recordSeg, addSeg);
    if (n === 0) this.dirty = true;
  }

  private refer(from: number, to: number): void {
    if (from === to) return;
    let s = this.refersTo.get(from);
    if (!s) this.refersTo.set(from, (s = new Set()));
    s.add(to);
  }
}
