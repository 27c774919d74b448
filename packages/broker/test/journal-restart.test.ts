import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, silentLogger } from '../src/index.js';
import { RawStompClient, text } from './helpers/raw-client.js';

let dataDirectory: string;
beforeAll(async () => {
  dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'tsmq-journal-broker-'));
});
afterAll(async () => {
  await rm(dataDirectory, { recursive: true, force: true });
});

/** A persistent broker (the default journal store) on an ephemeral port. */
async function start(): Promise<{ broker: Broker; client: () => Promise<RawStompClient> }> {
  const broker = new Broker({
    transportConnectors: [{ protocol: 'stomp', host: '127.0.0.1', port: 0 }],
    dataDirectory,
    statusLogInterval: 0,
    logger: silentLogger,
  });
  await broker.start();
  return {
    broker,
    client: async () => {
      const c = await RawStompClient.tcp(broker.addresses()[0]!.port);
      await c.connect();
      return c;
    },
  };
}

describe('persistent broker with the journal store', () => {
  it('JMS 1.1 §4.7 message delivery mode: persistent messages survive a broker restart; acknowledged and non-persistent ones do not come back', async () => {
    const first = await start();
    const p = await first.client();
    for (let i = 0; i < 5; i++) p.send('SEND', { destination: '/queue/kept', persistent: 'true', receipt: `r${i}` }, `m${i}`);
    p.send('SEND', { destination: '/queue/kept', receipt: 'np' }, 'volatile');
    for (let i = 0; i < 6; i++) await p.next('RECEIPT');
    const c = await first.client();
    c.send('SUBSCRIBE', { destination: '/queue/kept', id: 's', ack: 'client-individual', 'activemq.prefetchSize': '1' });
    const m0 = await c.next('MESSAGE');
    expect(text(m0)).toBe('m0');
    c.send('ACK', { id: m0.headers.ack!, receipt: 'acked' });
    // The freed prefetch slot brings m1 at once; the RECEIPT follows the store's removal.
    let f = await c.next();
    while (f.command !== 'RECEIPT') f = await c.next();
    await first.broker.stop();

    const second = await start();
    try {
      const d = await second.client();
      d.send('SUBSCRIBE', { destination: '/queue/kept', id: 's' });
      const got = [];
      for (let i = 0; i < 4; i++) got.push(text(await d.next('MESSAGE')));
      // m1 was delivered but not acknowledged before the stop: it is delivered again.
      expect(got).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(await d.barrier()).toEqual([]);
    } finally {
      await second.broker.stop();
    }
  });
});
