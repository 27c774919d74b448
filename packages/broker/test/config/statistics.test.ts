import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/index.js';
import { RawStompClient } from '../helpers/raw-client.js';
import { brokerXml, CapturingLogger, startXmlBroker, type XmlBroker } from './xml-broker.js';

const JOURNAL_BROKER = brokerXml(`
  <persistenceAdapter><kahaDB directory="\${test.data}/kahadb"/></persistenceAdapter>
  <systemUsage><systemUsage>
    <memoryUsage><memoryUsage limit="1 mb"/></memoryUsage>
    <storeUsage><storeUsage limit="64 mb"/></storeUsage>
    <tempUsage><tempUsage limit="32 mb"/></tempUsage>
  </systemUsage></systemUsage>
  <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>`);

/** Three persistent messages on /queue/orders, each stored (receipted) before the next is sent. */
async function storeOrders(b: XmlBroker): Promise<void> {
  const producer = await b.client();
  for (let i = 0; i < 3; i++) {
    producer.send('SEND', { destination: '/queue/orders', persistent: 'true', receipt: `r${i}` }, `order-${i}`);
    await producer.next('RECEIPT');
  }
}

/** A client subscribed to /temp-queue/stats, where it asks the statistics destinations to reply. */
async function statisticsAsker(b: XmlBroker): Promise<RawStompClient> {
  const asker = await b.client();
  asker.send('SUBSCRIBE', { destination: '/temp-queue/stats', id: 'stats' });
  return asker;
}

describe('statistics destinations (ActiveMQ statisticsBrokerPlugin)', () => {
  it('ActiveMQ.Statistics.Broker: a SEND with reply-to gets a MESSAGE on reply-to carrying usage, limits, counts and the journal counters', async () => {
    const b = await startXmlBroker(JOURNAL_BROKER);
    try {
      await storeOrders(b);
      const asker = await statisticsAsker(b);
      asker.send('SEND', { destination: '/queue/ActiveMQ.Statistics.Broker', 'reply-to': '/temp-queue/stats', 'correlation-id': 'q1' });
      const reply = await asker.next('MESSAGE');
      const h = reply.headers;
      expect(h.destination).toBe('/temp-queue/stats');
      expect(h['correlation-id']).toBe('q1');
      expect(h.brokerName).toBe('test');
      expect(h.memoryLimit).toBe(String(1024 * 1024));
      expect(h.storeLimit).toBe(String(64 * 1024 * 1024));
      expect(h.tempLimit).toBe(String(32 * 1024 * 1024));
      expect(Number(h.storeUsage)).toBeGreaterThan(0);
      expect(h.storePercentUsage).toBe(String(Math.floor((Number(h.storeUsage) * 100) / (64 * 1024 * 1024))));
      expect(Number(h.memoryPercentUsage)).toBeGreaterThanOrEqual(0);
      expect(h.tempUsage).toBe('0');
      expect(h.currentConnectionsCount).toBe('2');
      expect(h.enqueueCount).toBe('3');
      expect(h.size).toBe('3');
      // Three persistent SENDs made at least one durable write, and msgs per fsync = ops / fsyncs.
      expect(Number(h.storeFsyncs)).toBeGreaterThan(0);
      expect(Number(h.storeOps)).toBeGreaterThanOrEqual(3);
      expect(h.stompURL).toMatch(/^stomp:\/\/127\.0\.0\.1:\d+$/);
      // The statistics queue is answered, not created.
      expect(b.broker.stats().destinations.some((d) => d.destination.includes('Statistics'))).toBe(false);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ.Statistics.Destination.<name>: the reply describes that destination (depth, enqueued, dequeued, consumers)', async () => {
    const b = await startXmlBroker(JOURNAL_BROKER);
    try {
      await storeOrders(b);
      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/orders', id: 'c', ack: 'client-individual', 'activemq.prefetchSize': '1' });
      const m = await consumer.next('MESSAGE');
      consumer.send('ACK', { id: m.headers.ack!, receipt: 'acked' });
      // The RECEIPT and the next delivery (the prefetch slot freed) may come in either order.
      const frames = [await consumer.next(), await consumer.next()];
      expect(frames.map((f) => f.command).sort()).toEqual(['MESSAGE', 'RECEIPT']);

      const asker = await statisticsAsker(b);
      asker.send('SEND', { destination: '/queue/ActiveMQ.Statistics.Destination.orders', 'reply-to': '/temp-queue/stats', receipt: 'asked' });
      const reply = await asker.next('MESSAGE');
      expect((await asker.next('RECEIPT')).headers['receipt-id']).toBe('asked');
      expect(reply.headers).toMatchObject({
        destinationName: 'orders',
        destinationType: 'queue',
        size: '1',
        inflightCount: '1',
        enqueueCount: '3',
        dequeueCount: '1',
        consumerCount: '1',
      });
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ.Statistics.Destination.<pattern>: one reply per matching destination; a SEND without reply-to is only acknowledged', async () => {
    const b = await startXmlBroker(JOURNAL_BROKER);
    try {
      const c = await b.client();
      for (const d of ['/queue/A.one', '/queue/A.two', '/queue/B.three']) {
        c.send('SEND', { destination: d, receipt: d }, 'x');
        await c.next('RECEIPT');
      }
      c.send('SEND', { destination: '/queue/ActiveMQ.Statistics.Destination.A.>', receipt: 'no-reply-to' });
      expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('no-reply-to');
      c.send('SUBSCRIBE', { destination: '/temp-queue/stats', id: 'stats' });
      c.send('SEND', { destination: '/queue/ActiveMQ.Statistics.Destination.A.>', 'reply-to': '/temp-queue/stats', receipt: 'asked' });
      const names: string[] = [];
      for (;;) {
        const f = await c.next();
        if (f.command === 'RECEIPT') break;
        names.push(f.headers.destinationName!);
      }
      expect(names.sort()).toEqual(['A.one', 'A.two']);
    } finally {
      await b.stop();
    }
  });
});

describe('status log and broker.stats()', () => {
  it('statusLogInterval: the broker logs memory, store and temp usage with percentages, connections and destinations', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'tsmq-status-'));
    const logger = new CapturingLogger();
    const broker = new Broker({
      transportConnectors: [{ protocol: 'stomp', host: '127.0.0.1', port: 0 }],
      persistent: false,
      dataDirectory,
      systemUsage: { memoryLimit: 1024 * 1024 },
      statusLogInterval: 0.05,
      logger,
    });
    await broker.start();
    const c = await RawStompClient.tcp(broker.addresses()[0]!.port);
    try {
      await c.connect();
      c.send('SEND', { destination: '/queue/status', receipt: 'r' }, 'x'.repeat(10_000));
      await c.next('RECEIPT');
      const line = await logger.waitFor(/status: .* 1 connections, 1 destinations, 1 messages waiting/);
      const m = line.match(/memory ([\d.]+) MiB \((\d+)%\), store [\d.]+ MiB \(\d+%\), temp [\d.]+ MiB \(\d+%\)/);
      expect(m).not.toBeNull();
      // 10 kB of a 1 MiB memory limit held by the non-persistent message: about 1 %.
      expect(Number(m![2])).toBeGreaterThanOrEqual(0);
      expect(Number(m![2])).toBeLessThanOrEqual(2);
      const s = broker.stats();
      expect(s.usage.memory.limit).toBe(1024 * 1024);
      expect(s.usage.memory.bytes).toBeGreaterThanOrEqual(10_000);
      expect(s.enqueued).toBe(1);
      expect(s.store).toBeUndefined();
    } finally {
      c.close();
      await broker.stop();
      await rm(dataDirectory, { recursive: true, force: true });
    }
  });
});
