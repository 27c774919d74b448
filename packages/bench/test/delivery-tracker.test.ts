import { describe, expect, it } from 'vitest';
import { DeliveryTracker } from '../src/index.js';

describe('DeliveryTracker', () => {
  it('counts a complete, ordered stream as nothing lost, duplicated or reordered', () => {
    const t = new DeliveryTracker(2, 1);
    for (let s = 0; s < 100; s++) {
      t.record(0, 0, s);
      t.record(0, 1, s);
    }
    expect(t.counts(200)).toEqual({ expected: 200, received: 200, lost: 0, duplicates: 0, outOfOrder: 0 });
  });

  it('counts messages never received as lost and repeated ones as duplicates', () => {
    const t = new DeliveryTracker(1, 1);
    for (const s of [0, 1, 1, 3]) t.record(0, 0, s);
    expect(t.counts(5)).toMatchObject({ received: 3, lost: 2, duplicates: 1 });
  });

  it('JMS 2.0 §6.2.9.1: a consumer seeing a producer message after a later one counts it out of order', () => {
    const t = new DeliveryTracker(1, 1);
    for (const s of [0, 2, 1, 3]) t.record(0, 0, s);
    expect(t.counts(4)).toMatchObject({ lost: 0, duplicates: 0, outOfOrder: 1 });
  });

  it('accepts one producer spread over several queue consumers, each seeing an increasing subsequence', () => {
    const t = new DeliveryTracker(1, 2);
    for (let s = 0; s < 10; s++) t.record(s % 2, 0, s);
    expect(t.counts(10)).toMatchObject({ lost: 0, duplicates: 0, outOfOrder: 0 });
  });

  it('counts a message of no producer of this run (a leftover) as a duplicate', () => {
    const t = new DeliveryTracker(1, 1);
    t.record(0, 7, 0);
    expect(t.counts(0)).toMatchObject({ duplicates: 1, received: 0 });
  });

  it('keeps working past its initial capacity', () => {
    const t = new DeliveryTracker(1, 1);
    for (let s = 0; s < 100_000; s++) t.record(0, 0, s);
    t.record(0, 0, 99_999);
    expect(t.counts(100_000)).toMatchObject({ received: 100_000, duplicates: 1, outOfOrder: 0 });
  });
});
