/**
 * The messages waiting in one container, as locations on disk, ordered by seq.
 *
 * Parallel typed arrays instead of an object per message: 29 bytes per message (seq f64, segment u32,
 * offset u32, length u32, record start u32, record length u32, priority u8), about twice that with the
 * growth slack, so a million waiting messages cost tens of megabytes of heap while their bodies stay on
 * disk. The record's own bounds are kept so that paging a message in can check the record's CRC.
 *
 * Removal leaves a tombstone (length 0) so that the array stays sorted for binary search; the live
 * prefix is skipped with `head`, and the arrays are compacted once tombstones outnumber live entries.
 */
export class ContainerIndex {
  private seqs: Float64Array;
  private segs: Uint32Array;
  private offs: Uint32Array;
  private lens: Uint32Array;
  private recs: Uint32Array;
  private rlens: Uint32Array;
  private prios: Uint8Array;
  /** First slot that may be live; every slot before it is a tombstone. */
  private head = 0;
  /** Slots in use, live or tombstone. */
  private end = 0;
  private live = 0;
  /** Redelivery bookkeeping, for the few messages that have any: seq -> [redeliveryCount, deliverAt]. */
  readonly updates = new Map<number, [number, number]>();

  constructor(capacity = 16) {
    this.seqs = new Float64Array(capacity);
    this.segs = new Uint32Array(capacity);
    this.offs = new Uint32Array(capacity);
    this.lens = new Uint32Array(capacity);
    this.recs = new Uint32Array(capacity);
    this.rlens = new Uint32Array(capacity);
    this.prios = new Uint8Array(capacity);
  }

  /** An index holding exactly `live` (as {@link exportLive} returns them), which it takes over. */
  static fromLive(live: LiveEntries): ContainerIndex {
    const c = new ContainerIndex(0);
    c.seqs = live.seqs;
    c.segs = live.segs;
    c.offs = live.offs;
    c.lens = live.lens;
    c.recs = live.recs;
    c.rlens = live.rlens;
    c.prios = live.prios;
    c.end = c.live = live.seqs.length;
    return c;
  }

  /** Copies of the live entries, in seq order, e.g. for a checkpoint. */
  exportLive(): LiveEntries {
    this.compact();
    const n = this.end;
    return {
      seqs: this.seqs.slice(0, n),
      segs: this.segs.slice(0, n),
      offs: this.offs.slice(0, n),
      lens: this.lens.slice(0, n),
      recs: this.recs.slice(0, n),
      rlens: this.rlens.slice(0, n),
      prios: this.prios.slice(0, n),
    };
  }

  /** Messages waiting. */
  get size(): number {
    return this.live;
  }

  /** Adds a message location. Returns false (and changes nothing) when `seq` is already waiting here: the first add wins. */
  insert(seq: number, seg: number, off: number, len: number, prio: number, rec = off, rlen = len): boolean {
    // The common case: seqs arrive in increasing order and are appended.
    const appending = this.end === this.head || this.seqs[this.end - 1]! < seq;
    let at = this.end;
    if (!appending) {
      at = this.lowerBound(seq);
      if (at < this.end && this.seqs[at] === seq) {
        if (this.lens[at] !== 0) return false;
        this.set(at, seq, seg, off, len, prio, rec, rlen); // reuses the tombstone of an earlier removal
        this.live++;
        return true;
      }
    }
    if (this.end === this.seqs.length) {
      this.grow();
      at = appending ? this.end : this.lowerBound(seq); // compaction may have moved the slots
    }
    if (at < this.end) this.shiftRight(at);
    this.set(at, seq, seg, off, len, prio, rec, rlen);
    this.end++;
    this.live++;
    return true;
  }

  /** Removes `seq`; returns where it was, or undefined when it is not waiting here. */
  remove(seq: number): { seg: number; len: number } | undefined {
    const at = this.find(seq);
    if (at < 0) return undefined;
    const found = { seg: this.segs[at]!, len: this.lens[at]! };
    this.lens[at] = 0;
    this.live--;
    this.updates.delete(seq);
    while (this.head < this.end && this.lens[this.head] === 0) this.head++;
    if (this.head === this.end) {
      this.head = this.end = 0;
      // A drained container gives back the memory of its peak.
      if (this.seqs.length > 1024) this.resize(16);
    } else if (this.end - this.head - this.live > Math.max(64, this.live)) {
      this.compact();
    }
    return found;
  }

  /** Segment holding `seq`, or -1 when it is not waiting here. */
  segmentOf(seq: number): number {
    const at = this.find(seq);
    return at < 0 ? -1 : this.segs[at]!;
  }

  /**
   * Visits live messages with seq > `afterSeq` in seq order, at most `max` of them: where the add op is
   * (`off`, `len`) and where the record holding it is (`rec`, `rlen`).
   */
  forEachAfter(
    afterSeq: number,
    max: number,
    visit: (seq: number, seg: number, off: number, len: number, rec: number, rlen: number) => void,
  ): void {
    let n = 0;
    for (let i = this.lowerBound(afterSeq, true); i < this.end && n < max; i++) {
      if (this.lens[i] === 0) continue;
      visit(this.seqs[i]!, this.segs[i]!, this.offs[i]!, this.lens[i]!, this.recs[i]!, this.rlens[i]!);
      n++;
    }
  }

  /** Visits every live message (in seq order). */
  forEach(visit: (seq: number, seg: number, len: number) => void): void {
    for (let i = this.head; i < this.end; i++) if (this.lens[i] !== 0) visit(this.seqs[i]!, this.segs[i]!, this.lens[i]!);
  }

  /** Approximate heap bytes held by this index. */
  heapBytes(): number {
    return this.seqs.length * 29 + this.updates.size * 64;
  }

  /** Index of the first slot (from head) with seq >= `seq`, or with seq > `seq` when `strictlyAfter`. */
  private lowerBound(seq: number, strictlyAfter = false): number {
    let lo = this.head;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.seqs[mid]!;
      if (s < seq || (strictlyAfter && s === seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private find(seq: number): number {
    const at = this.lowerBound(seq);
    return at < this.end && this.seqs[at] === seq && this.lens[at] !== 0 ? at : -1;
  }

  private set(at: number, seq: number, seg: number, off: number, len: number, prio: number, rec: number, rlen: number): void {
    this.seqs[at] = seq;
    this.segs[at] = seg;
    this.offs[at] = off;
    this.lens[at] = len;
    this.recs[at] = rec;
    this.rlens[at] = rlen;
    this.prios[at] = prio;
  }

  private shiftRight(at: number): void {
    const e = this.end;
    this.seqs.copyWithin(at + 1, at, e);
    this.segs.copyWithin(at + 1, at, e);
    this.offs.copyWithin(at + 1, at, e);
    this.lens.copyWithin(at + 1, at, e);
    this.recs.copyWithin(at + 1, at, e);
    this.rlens.copyWithin(at + 1, at, e);
    this.prios.copyWithin(at + 1, at, e);
  }

  private grow(): void {
    // Reclaim tombstones first: a queue drained from the head would otherwise grow forever.
    if (this.end - this.live > this.seqs.length / 4) {
      this.compact();
      if (this.end < this.seqs.length) return;
    }
    this.resize(Math.max(16, this.seqs.length * 2));
  }

  private resize(cap: number): void {
    const copy = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.end) as never);
      return b;
    };
    this.seqs = copy(this.seqs, (n) => new Float64Array(n));
    this.segs = copy(this.segs, (n) => new Uint32Array(n));
    this.offs = copy(this.offs, (n) => new Uint32Array(n));
    this.lens = copy(this.lens, (n) => new Uint32Array(n));
    this.recs = copy(this.recs, (n) => new Uint32Array(n));
    this.rlens = copy(this.rlens, (n) => new Uint32Array(n));
    this.prios = copy(this.prios, (n) => new Uint8Array(n));
  }

  private compact(): void {
    let w = 0;
    for (let r = this.head; r < this.end; r++) {
      if (this.lens[r] === 0) continue;
      if (w !== r) this.set(w, this.seqs[r]!, this.segs[r]!, this.offs[r]!, this.lens[r]!, this.prios[r]!, this.recs[r]!, this.rlens[r]!);
      w++;
    }
    this.head = 0;
    this.end = w;
  }
}

/** The live entries of a {@link ContainerIndex} as parallel arrays of equal length, in seq order. */
export interface LiveEntries {
  seqs: Float64Array;
  segs: Uint32Array;
  offs: Uint32Array;
  lens: Uint32Array;
  recs: Uint32Array;
  rlens: Uint32Array;
  prios: Uint8Array;
}
