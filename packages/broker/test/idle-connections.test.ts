import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { RawStompClient, text } from './helpers/raw-client.js';

// An idle connection gives back its frame parser and output buffer (after CONNECT, after each
// turn's output, and at heart-beat time) and makes them again when the client speaks: these
// tests check the client never notices.

let tb: TestBroker;
beforeAll(async () => {
  tb = await startBroker();
});
afterAll(async () => {
  await tb.stop();
});

const raw = () => RawStompClient.tcp(tb.stompPort);

/** Resolves once `condition` holds, polling; rejects naming `what` after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** CONNECT as raw bytes, to be sent together with what follows it. */
const CONNECT = 'CONNECT\naccept-version:1.2\nhost:localhost\n\n\0';

describe('idle connections', () => {
  it('STOMP 1.2 §Heart-beating: a connection that only beat for a while still parses the frames that follow', async () => {
    const c = await raw();
    // Broker beats every 30 ms: each one we count is a heart-beat check, at which an idle
    // connection gives back its parser.
    const f = await c.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '30,30' });
    expect(f.headers['heart-beat']).toBe('30,30');
    const beat = setInterval(() => c.sendRaw('\r\n'), 15);
    try {
      await until(() => c.heartbeats >= 3, 5_000, 'three heart-beats from the broker');
      c.send('SUBSCRIBE', { destination: '/queue/idle-then-busy', id: 's1' });
      c.send('SEND', { destination: '/queue/idle-then-busy' }, 'after the beats');
      const m = await c.next('MESSAGE');
      expect(text(m)).toBe('after the beats');
      expect(c.isClosed).toBe(false);
    } finally {
      clearInterval(beat);
      c.close();
    }
  });

  it('STOMP 1.2 §STOMP Frames: CONNECT and the next frames in one TCP write are all handled', async () => {
    const c = await raw();
    c.sendRaw(
      CONNECT +
        'SUBSCRIBE\ndestination:/queue/one-write\nid:s1\n\n\0' +
        'SEND\ndestination:/queue/one-write\ncontent-length:3\n\nabc\0',
    );
    expect((await c.next()).command).toBe('CONNECTED');
    const m = await c.next('MESSAGE');
    expect(text(m)).toBe('abc');
    c.close();
  });

  it('STOMP 1.2 §STOMP Frames: a frame begun in the same write as CONNECT and ended later is received whole', async () => {
    const c = await raw();
    c.sendRaw(CONNECT + 'SUBSCRIBE\ndestination:/queue/split-after-connect\nid:s1\n\n\0SEND\ndestination:/queue/split');
    expect((await c.next()).command).toBe('CONNECTED');
    c.sendRaw('-after-connect\nreceipt:r1\n\nbody in two writes\0');
    // The MESSAGE and the RECEIPT may come in either order.
    const frames = [await c.next(), await c.next()].sort((x, y) => x.command.localeCompare(y.command));
    c.close();
    expect(frames.map((f) => f.command)).toEqual(['MESSAGE', 'RECEIPT']);
    expect(text(frames[0]!)).toBe('body in two writes');
    expect(frames[1]!.headers['receipt-id']).toBe('r1');
  });

  it('STOMP 1.2 §Heart-beating: heart-beats written one byte at a time between frames are not taken for a frame', async () => {
    const c = await raw();
    await c.connect();
    for (const b of ['\r', '\n', '\n', '\r', '\n']) c.sendRaw(b);
    c.send('SEND', { destination: '/queue/after-crlf', receipt: 'r2' }, 'x');
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r2');
    c.close();
  });

  it('STOMP 1.2 §Heart-beating: connections with different rates each get beats at their own rate, and only the silent one is closed', async () => {
    const fast = await raw();
    const slow = await raw();
    const silent = await raw();
    const beating = await raw();
    try {
      expect((await fast.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,20' })).headers['heart-beat']).toBe('20,0');
      expect((await slow.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,200' })).headers['heart-beat']).toBe('200,0');
      await silent.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '50,0' });
      await beating.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '50,0' });
      const beat = setInterval(() => beating.sendRaw('\n'), 20);
      try {
        await silent.waitClosed(5_000);
        await until(() => fast.heartbeats >= 5 && slow.heartbeats >= 1, 5_000, 'beats on both connections');
        expect(beating.isClosed).toBe(false);
        expect(fast.isClosed).toBe(false);
        expect(slow.isClosed).toBe(false);
        beating.send('SEND', { destination: '/queue/still-beating', receipt: 'ok' }, 'x');
        expect((await beating.next('RECEIPT')).headers['receipt-id']).toBe('ok');
      } finally {
        clearInterval(beat);
      }
    } finally {
      for (const c of [fast, slow, silent, beating]) c.close();
    }
  });

  it('STOMP 1.2 §Heart-beating: a connection closed by its client stops being beaten to, and the others keep their beats', async () => {
    // The earlier tests' connections are gone first, so that the count below is these two's.
    await until(() => tb.broker.stats().connections === 0, 5_000, 'earlier connections closed');
    const leaving = await raw();
    const staying = await raw();
    await leaving.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,20' });
    await staying.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,20' });
    leaving.close();
    await leaving.waitClosed(5_000);
    const beats = staying.heartbeats;
    await until(() => staying.heartbeats >= beats + 3, 5_000, 'beats after the other connection left');
    await until(() => tb.broker.stats().connections === 1, 5_000, 'the closed connection forgotten');
    staying.close();
  });
});
