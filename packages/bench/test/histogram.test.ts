import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/index.js';

describe('LatencyHistogram', () => {
  it('answers undefined percentiles before any sample', () => {
    expect(new LatencyHistogram().percentile(0.5)).toBeUndefined();
  });

  it('reports percentiles of 1..100000 µs within 1/64 relative error, and the exact max', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    for (const [fraction, exact] of [
      [0.5, 50_000],
      [0.99, 99_000],
      [0.999, 99_900],
    ] as const) {
      const p = h.percentile(fraction)!;
      expect(Math.abs(p - exact) / exact).toBeLessThanOrEqual(1 / 64);
    }
    expect(h.max).toBe(100_000);
    expect(h.count).toBe(100_000);
  });

  it('is exact for small values, where sub-millisecond latencies live', () => {
    const h = new LatencyHistogram();
    for (const v of [3, 3, 7, 90]) h.record(v);
    expect(h.percentile(0.5)).toBe(3);
    expect(h.percentile(0.75)).toBe(7);
    expect(h.percentile(1)).toBe(90);
  });

  it('merges the samples of another histogram', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 99; i++) a.record(10);
    b.record(5_000_000);
    a.merge(b);
    expect(a.count).toBe(100);
    expect(a.max).toBe(5_000_000);
    expect(a.percentile(0.5)).toBe(10);
    expect(a.percentile(1)).toBe(5_000_000);
  });
});
