import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, silentLogger } from '../src/index.js';
import { RawStompClient } from './helpers/raw-client.js';

// Bodies this large arrive in many socket reads of at most 64 KiB: the broker keeps them as those
// pieces (never joined into one buffer) and writes the pieces to consumers and to the journal.

let dataDirectory: string;
beforeAll(async () => {
  dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'tsmq-large-bodies-'));
});
afterAll(async () => {
  await rm(dataDirectory, { recursive: true, force: true });
});

async function start(): Promise<{ broker: Broker; tcp: () => Promise<RawStompClient>; ws: () => Promise<RawStompClient> }> {
  const broker = new Broker({
    transportConnectors: [
      { protocol: 'stomp', host: '127.0.0.1', port: 0 },
      { protocol: 'ws', host: '127.0.0.1', port: 0 },
    ],
    dataDirectory,
    statusLogInterval: 0,
    logger: silentLogger,
  });
  await broker.start();
  const [stomp, ws] = broker.addresses();
  return {
    broker,
    tcp: async () => {
      const c = await RawStompClient.tcp(stomp!.port);
      await c.connect();
      return c;
    },
    ws: async () => {
      const c = await RawStompClient.ws(`ws://127.0.0.1:${ws!.port}/`);
      await c.connect();
      return c;
    },
  };
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe('large message bodies', () => {
  it('STOMP 1.2 §Header content-length: 1 MiB bodies with NULs inside reach TCP and WebSocket consumers byte for byte, and a persistent one survives a restart', async () => {
    // Random bytes: NULs and every other value, so only content-length can delimit them.
    const persistent = randomBytes(1024 * 1024);
    const volatile = randomBytes(300 * 1024 + 7);

    const first = await start();
    const producer = await first.tcp();
    producer.send('SEND', { destination: '/queue/large-kept', persistent: 'true', receipt: 'p' }, persistent);
    const overTcp = await first.tcp();
    const overWs = await first.ws();
    for (const c of [overTcp, overWs]) {
      c.send('SUBSCRIBE', { destination: '/topic/large-live', id: 't', receipt: 'subscribed' });
      await c.next('RECEIPT');
    }
    expect((await producer.next('RECEIPT')).headers['receipt-id']).toBe('p');
    // Relayed to both transports: the WebSocket writes the body into the frame's message, TCP after the head.
    producer.send('SEND', { destination: '/topic/large-live' }, volatile);
    for (const c of [overTcp, overWs]) {
      const m = await c.next('MESSAGE', 10_000);
      expect(m.headers['content-length']).toBe(String(volatile.length));
      expect(same(m.body, volatile)).toBe(true);
    }
    await first.broker.stop();

    // The journal wrote the persistent body from its pieces; after a restart it reads back whole.
    const second = await start();
    const consumer = await second.tcp();
    consumer.send('SUBSCRIBE', { destination: '/queue/large-kept', id: 'q', ack: 'client-individual' });
    const m = await consumer.next('MESSAGE', 10_000);
    expect(same(m.body, persistent)).toBe(true);
    consumer.send('ACK', { id: m.headers.ack!, receipt: 'acked' });
    await consumer.next('RECEIPT');
    await second.broker.stop();
  });
});
