import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, silentLogger } from '../../src/index.js';
import { RawStompClient, text } from '../helpers/raw-client.js';
import { bodies, messages, produce, subscribe } from './helpers.js';

let dataDirectory: string;
beforeAll(async () => {
  dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'tsmq-features-journal-'));
});
afterAll(async () => {
  await rm(dataDirectory, { recursive: true, force: true });
});

/** A broker on the journal store in the shared data directory. */
async function start(): Promise<{ broker: Broker; client: (clientId?: string) => Promise<RawStompClient> }> {
  const broker = new Broker({
    transportConnectors: [{ protocol: 'stomp', host: '127.0.0.1', port: 0 }],
    dataDirectory,
    statusLogInterval: 0,
    logger: silentLogger,
    redeliveryPolicy: { maximumRedeliveries: 5 },
  });
  await broker.start();
  return {
    broker,
    client: async (clientId) => {
      const c = await RawStompClient.tcp(broker.addresses()[0]!.port);
      await c.connect({ 'accept-version': '1.2', host: 'localhost', ...(clientId ? { 'client-id': clientId } : {}) });
      return c;
    },
  };
}

describe('features across a restart of the journal store', () => {
  it('JMS 1.1 §6.11.1 + ActiveMQ scheduler: a wildcard durable subscription, a pending scheduled repeat and a redelivery count all survive a restart', async () => {
    const first = await start();
    try {
      const c = await first.client('journal-app');
      await subscribe(c, { destination: '/topic/j.>', id: 'd', 'activemq.subscriptionName': 'wild', selector: "kind IS NULL OR kind <> 'skip'" });
      c.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
      await c.next('RECEIPT');
      const p = await first.client();
      await produce(p, '/topic/j.a', ['kept']);
      await produce(p, '/topic/j.a', ['skipped'], { persistent: 'true', kind: 'skip' });
      await produce(p, '/topic/j.b', ['stored'], { persistent: 'true' });
      await produce(p, '/topic/j.c', ['repeating'], { persistent: 'true', AMQ_SCHEDULED_DELAY: '300', AMQ_SCHEDULED_PERIOD: '10', AMQ_SCHEDULED_REPEAT: '1' });
      await produce(p, '/queue/j.nacked', ['nacked'], { persistent: 'true' });
      const q = await first.client();
      q.send('SUBSCRIBE', { destination: '/queue/j.nacked', id: 'q', ack: 'client-individual' });
      q.send('NACK', { id: (await q.next('MESSAGE')).headers.ack!, receipt: 'n' });
      await q.next('RECEIPT');
      const again = await q.next('MESSAGE');
      expect(again.headers.JMSXDeliveryCount).toBe('2');
    } finally {
      await first.broker.stop();
    }

    const second = await start();
    try {
      const c = await second.client('journal-app');
      c.send('SUBSCRIBE', { destination: '/topic/j.>', id: 'd', 'activemq.subscriptionName': 'wild', selector: "kind IS NULL OR kind <> 'skip'" });
      // The non-persistent 'kept' did not survive; the scheduled message arrives twice after its delay.
      expect(bodies(await messages(c, 3))).toEqual(['stored', 'repeating', 'repeating']);
      c.send('SUBSCRIBE', { destination: '/queue/j.nacked', id: 'q' });
      const m = await c.next('MESSAGE');
      expect(text(m)).toBe('nacked');
      // Delivered twice before the stop (once NACKed, once left unacknowledged).
      expect(m.headers.JMSXDeliveryCount).toBe('3');
    } finally {
      await second.broker.stop();
    }
  });
});
