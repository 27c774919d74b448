import { describe, expect, it } from 'vitest';
import { ContainerIndex } from '../../src/store/journal/container-index.js';
import { crc32, crc32Table, crc32Update } from '../../src/store/journal/crc32.js';

describe('crc32', () => {
  it('matches the CRC-32/ISO-HDLC check value and the native implementation', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(0, check)).toBe(0xcbf43926);
    const data = new Uint8Array(10_007);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >> 3)) & 0xff;
    expect(crc32Table(0, data)).toBe(crc32(data));
  });

  it('continues across buffers and honours ranges', () => {
    const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(crc32Update(crc32Update(0, data, 0, 11), data, 11)).toBe(0x414fa339);
    expect(crc32Table(crc32Table(0, data, 0, 5), data, 5, data.length)).toBe(0x414fa339);
    expect(crc32(data, 4, 9)).toBe(crc32(new TextEncoder().encode('quick')));
  });
});

describe('ContainerIndex', () => {
  it('agrees with a sorted map under random inserts (also out of order) and removals', () => {
    const index = new ContainerIndex(4);
    const model = new Map<number, number>();
    let x = 12345;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x % n;
    };
    let nextSeq = 1;
    for (let step = 0; step < 20_000; step++) {
      const r = rand(10);
      if (r < 5) {
        const seq = nextSeq++;
        index.insert(seq, seq % 7, seq * 10, 100 + (seq % 5), seq % 10);
        model.set(seq, seq % 7);
      } else if (r < 6) {
        const seq = rand(nextSeq) + 0.5; // between existing seqs: an out-of-order arrival
        if (!model.has(seq)) {
          index.insert(seq, 3, 1, 7, 0);
          model.set(seq, 3);
        }
      } else {
        // Mostly from the head, as a queue drains; sometimes anywhere, as with selectors or individual acks.
        const keys = [...model.keys()].sort((a, b) => a - b);
        if (keys.length === 0) continue;
        const seq = r < 9 ? keys[0]! : keys[rand(keys.length)]!;
        expect(index.remove(seq)?.seg).toBe(model.get(seq));
        model.delete(seq);
      }
      if (step % 997 === 0) {
        const got: number[] = [];
        index.forEachAfter(0, Number.MAX_SAFE_INTEGER, (seq) => got.push(seq));
        expect(got).toEqual([...model.keys()].sort((a, b) => a - b));
      }
    }
    expect(index.size).toBe(model.size);
    const sorted = [...model.keys()].sort((a, b) => a - b);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    const page: number[] = [];
    index.forEachAfter(mid, 10, (seq) => page.push(seq));
    expect(page).toEqual(sorted.filter((s) => s > mid).slice(0, 10));
    expect(index.remove(-1)).toBeUndefined();
  });

  it('ignores a second add of a seq that is waiting: the first add wins', () => {
    const index = new ContainerIndex();
    expect(index.insert(5, 1, 100, 50, 4)).toBe(true);
    expect(index.insert(5, 2, 200, 60, 4)).toBe(false);
    expect(index.segmentOf(5)).toBe(1);
    expect(index.size).toBe(1);
  });
});
