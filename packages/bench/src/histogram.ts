/**
 * A fixed-size latency histogram: constant memory and O(1) recording whatever the message count,
 * so recording a latency per message costs no allocation.
 *
 * Values are microseconds, exact below 128 µs. Above, each power-of-two range is split into 64 linear
 * sub-buckets, which bounds the relative error of a reported percentile to 1/64 (about 1.6 %).
 */

const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** 2^36 µs is about 19 hours: nothing a benchmark run can exceed. */
const MAX_EXPONENT = 36;

/** Records latencies and answers percentiles. */
export class LatencyHistogram {
  private readonly counts = new Float64Array((MAX_EXPONENT + 1) * SUB_BUCKETS);
  private total = 0;
  private maxMicros = 0;

  /** Records one latency in microseconds; negative values (clock quirks) count as zero. */
  record(micros: number): void {
    const v = micros > 0 ? Math.floor(micros) : 0;
    if (v > this.maxMicros) this.maxMicros = v;
    this.counts[bucketOf(v)]!++;
    this.total++;
  }

  /** Adds all samples of another histogram to this one. */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    if (other.maxMicros > this.maxMicros) this.maxMicros = other.maxMicros;
  }

  /** Number of recorded samples. */
  get count(): number {
    return this.total;
  }

  /** The largest recorded value, exact, in microseconds. */
  get max(): number {
    return this.maxMicros;
  }

  /**
   * The value at or below which `fraction` (0..1) of the samples lie, in microseconds;
   * `undefined` when nothing was recorded.
   */
  percentile(fraction: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperBoundOf(i), this.maxMicros);
    }
    return this.maxMicros;
  }
}

function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const exponent = Math.floor(Math.log2(v)) - SUB_BUCKET_BITS + 1;
  if (exponent > MAX_EXPONENT) return (MAX_EXPONENT + 1) * SUB_BUCKETS - 1;
  const sub = Math.floor(v / 2 ** exponent) - SUB_BUCKETS / 2;
  return exponent * SUB_BUCKETS + SUB_BUCKETS / 2 + sub;
}

function upperBoundOf(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const exponent = Math.floor((index - SUB_BUCKETS / 2) / SUB_BUCKETS);
  const sub = index - exponent * SUB_BUCKETS - SUB_BUCKETS / 2;
  return (sub + SUB_BUCKETS / 2 + 1) * 2 ** exponent - 1;
}
