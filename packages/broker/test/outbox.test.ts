import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/protocol/outbox.js';

const text = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length).toString('latin1')).join('');

function put(outbox: Outbox, s: string): void {
  const at = outbox.reserve(s.length);
  for (let i = 0; i < s.length; i++) outbox.target[at + i] = s.charCodeAt(i);
}

describe('Outbox', () => {
  it('consecutive frames of one connection leave as one chunk, in order', () => {
    const a = new Outbox();
    put(a, 'one\0');
    put(a, 'two\0');
    a.append(new TextEncoder().encode('three\0'));
    expect(a.bytes).toBe(14);
    const chunks = a.take();
    expect(chunks).toHaveLength(1);
    expect(text(chunks)).toBe('one\0two\0three\0');
    expect(a.isEmpty).toBe(true);
    expect(a.take()).toEqual([]);
  });

  it('frames of connections written in turns stay apart and in order per connection', () => {
    const a = new Outbox();
    const b = new Outbox();
    for (let i = 0; i < 100; i++) {
      put(a, `a${i};`);
      put(b, `b${i};`);
    }
    const expected = (p: string) => Array.from({ length: 100 }, (_, i) => `${p}${i};`).join('');
    const fromA = a.take();
    expect(text(fromA)).toBe(expected('a'));
    expect(text(b.take())).toBe(expected('b'));
    // Scattered small frames still leave as one chunk: one stream write, not a hundred.
    expect(fromA).toHaveLength(1);
  });

  it('bytes handed out are never overwritten by later frames, across many shared blocks', () => {
    const a = new Outbox();
    const taken: Array<[Uint8Array[], string]> = [];
    for (let turn = 0; turn < 200; turn++) {
      const s = `${turn}:`.padEnd(5000, String.fromCharCode(97 + (turn % 26)));
      put(a, s);
      taken.push([a.take(), s]);
    }
    for (const [chunks, s] of taken) expect(text(chunks)).toBe(s);
  });

  it('a large chunk (a message body) is passed on by reference, not copied', () => {
    const a = new Outbox();
    const body = new Uint8Array(100_000).fill(0x78);
    const other = new Outbox();
    put(a, 'first\0');
    put(other, 'elsewhere');
    put(a, 'head\n\n');
    a.append(body);
    put(a, '\0');
    const chunks = a.take();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(body);
    expect(text([chunks[0]!])).toBe('first\0head\n\n');
    expect(text([chunks[2]!])).toBe('\0');
  });

  it('a frame larger than a block share gets a buffer of its own', () => {
    const a = new Outbox();
    put(a, 'x'.repeat(200_000));
    const chunks = a.take();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.length).toBe(200_000);
  });

  it('clear drops what was collected', () => {
    const a = new Outbox();
    put(a, 'gone');
    a.clear();
    expect(a.isEmpty).toBe(true);
    expect(a.take()).toEqual([]);
  });
});
