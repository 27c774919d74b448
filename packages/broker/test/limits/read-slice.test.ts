import { encodeFrame } from '@tsmq/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { within } from '../helpers/within.js';

const FRAMES = 4000;
const BODY = new Uint8Array(1000).fill(0x61);

/** Samples the broker's enqueue counter once per event-loop turn until `total` messages are in. */
function enqueuedPerTurn(broker: TestBroker['broker'], total: number): Promise<number[]> {
  return new Promise((resolve) => {
    const steps: number[] = [];
    let last = broker.stats().enqueued;
    const sample = () => {
      const now = broker.stats().enqueued;
      if (now !== last) steps.push(now - last);
      last = now;
      if (now >= total) resolve(steps);
      else setImmediate(sample);
    };
    setImmediate(sample);
  });
}

describe('flow control: a connection yields after a slice of input', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startBroker();
  });
  afterAll(() => b.stop());

  it('a producer flooding its socket is read a slice per event-loop turn, and every message is taken', async () => {
    const producer = await b.client();
    const frame = encodeFrame('SEND', { destination: '/queue/read-slice', persistent: 'false' }, BODY, { version: '1.2' });
    const flood = new Uint8Array(frame.length * FRAMES);
    for (let i = 0; i < FRAMES; i++) flood.set(frame, i * frame.length);

    const steps = enqueuedPerTurn(b.broker, FRAMES);
    // One write of ~4 MiB: the kernel hands the broker far more than a slice per readable event,
    // and Node would read up to 32 chunks of 64 KiB in one turn.
    producer.sendRaw(flood);
    const perTurn = await within(steps, 10_000, 'all messages enqueued');

    // A slice is 512 KiB; the chunk that crosses it and one chunk Node had already buffered
    // when reading paused may come on top. 2 MiB in one turn would be the unchecked read.
    const sliceFrames = Math.ceil((512 * 1024 + 2 * 64 * 1024) / frame.length);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(sliceFrames);
    expect(perTurn.length).toBeGreaterThan(FRAMES / sliceFrames - 1);

    // Nothing was lost on the way: a consumer gets all of them.
    const consumer = await b.client();
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/read-slice', ack: 'auto' });
    for (let i = 0; i < FRAMES; i++) await consumer.next('MESSAGE', 5_000);
  });
  it('a frame larger than 256 KiB is read a 256 KiB slice per turn, so that the previous one is written out sooner', async () => {
    const frames = 6;
    const body = new Uint8Array(1024 * 1024).fill(0x62);
    const frame = encodeFrame('SEND', { destination: '/queue/read-slice-large', persistent: 'false' }, body, { version: '1.2' });
    const flood = new Uint8Array(frame.length * frames);
    for (let i = 0; i < frames; i++) flood.set(frame, i * frame.length);
    const producer = await b.client();
    const before = b.broker.stats().enqueued;
    let turns = 0;
    const counted = new Promise<void>((resolve) => {
      const sample = () => {
        turns++;
        if (b.broker.stats().enqueued - before >= frames) resolve();
        else setImmediate(sample);
      };
      setImmediate(sample);
    });
    producer.sendRaw(flood);
    await within(counted, 10_000, 'all large messages enqueued');
    // 6 MiB at 256 KiB per turn, plus up to two 64 KiB reads of slack as above, is at least 16 turns;
    // 512 KiB slices take 14 or fewer when the bytes are all there, as they are from one write.
    expect(turns).toBeGreaterThanOrEqual(Math.floor((frames * frame.length) / (256 * 1024 + 2 * 64 * 1024)));

    const consumer = await b.client();
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/read-slice-large', ack: 'auto' });
    for (let i = 0; i < frames; i++) expect((await consumer.next('MESSAGE', 5_000)).body.byteLength).toBe(body.length);
  });
});
