/**
 * Checks that every message sent is delivered exactly once and, per producer, in order.
 *
 * One tracker stands for one stream of expected deliveries: all consumers of a queue share one
 * (each message must reach exactly one of them), each topic subscriber has its own (each message
 * must reach every one of them).
 */

/** What a tracker found. */
export interface DeliveryCounts {
  /** Messages the producers sent into this stream. */
  expected: number;
  /** Distinct messages received. */
  received: number;
  /** Messages sent but never received. */
  lost: number;
  /** Receptions of a message already received. */
  duplicates: number;
  /**
   * Messages a consumer received after a later message of the same producer: JMS requires a
   * session to see one producer's messages in the order they were sent (JMS 2.0 §6.2.9.1).
   */
  outOfOrder: number;
}

/** A growable set of small non-negative integers (message sequence numbers). */
class SeqBitSet {
  private bits = new Uint8Array(1024);

  /** Adds `seq`; returns false if it was already present. */
  add(seq: number): boolean {
    const byte = seq >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length * 2;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (seq & 7);
    if ((this.bits[byte]! & mask) !== 0) return false;
    this.bits[byte]! |= mask;
    return true;
  }
}

/** Tracks one stream of expected deliveries; see the module comment. */
export class DeliveryTracker {
  private readonly seen: SeqBitSet[] = [];
  /** lastSeq[consumer][producer]: the highest sequence that consumer has seen from that producer. */
  private readonly lastSeq: Int32Array[] = [];
  private distinct = 0;
  private duplicates = 0;
  private outOfOrder = 0;

  /**
   * @param producers - number of producers feeding the stream (ids 0..producers-1)
   * @param consumers - number of consumers reading it (ids 0..consumers-1)
   */
  constructor(
    private readonly producers: number,
    consumers: number,
  ) {
    for (let p = 0; p < producers; p++) this.seen.push(new SeqBitSet());
    for (let c = 0; c < consumers; c++) this.lastSeq.push(new Int32Array(producers).fill(-1));
  }

  /**
   * Records that `consumer` received message `seq` of `producer`.
   * @returns true if it was the first reception of that message
   */
  record(consumer: number, producer: number, seq: number): boolean {
    if (producer < 0 || producer >= this.producers) {
      // A message of no producer of this run, left over from an earlier one: a duplicate of nothing we sent.
      this.duplicates++;
      return false;
    }
    const last = this.lastSeq[consumer]!;
    if (seq < last[producer]!) this.outOfOrder++;
    else last[producer] = seq;
    if (this.seen[producer]!.add(seq)) {
      this.distinct++;
      return true;
    }
    this.duplicates++;
    return false;
  }

  /** Distinct messages received so far. */
  get received(): number {
    return this.distinct;
  }

  /** The counts, given how many messages were sent into the stream. */
  counts(expected: number): DeliveryCounts {
    return {
      expected,
      received: this.distinct,
      lost: Math.max(0, expected - this.distinct),
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
    };
  }
}
