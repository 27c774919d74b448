import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StompFrame } from '@tsmq/codec';
import type { RawStompClient } from '../helpers/raw-client.js';
import { brokerXml, startXmlBroker, type XmlBroker } from '../config/xml-broker.js';

const KiB = 1024;
const BODY = 'x'.repeat(8 * KiB);
const STOMP = '<transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>';

/** A journal broker (persistent="true", the default adapter) with these `<systemUsage>` limits. */
function journalBroker(limits: { memory: string; temp?: string; sendFail?: boolean }): Promise<XmlBroker> {
  const temp = limits.temp ? `<tempUsage><tempUsage limit="${limits.temp}"/></tempUsage>` : '';
  return startXmlBroker(
    brokerXml(
      `<systemUsage><systemUsage ${limits.sendFail ? 'sendFailIfNoSpace="true"' : ''}>
         <memoryUsage><memoryUsage limit="${limits.memory}"/></memoryUsage>${temp}
       </systemUsage></systemUsage>${STOMP}`,
      'persistent="true"',
    ),
  );
}

async function receipts(c: RawStompClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) ids.push((await c.next('RECEIPT', 10_000)).headers['receipt-id']!);
  return ids;
}

/** Receives `count` messages with client-individual acks, acknowledging each; returns their `x-n` headers. */
async function drain(c: RawStompClient, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = await c.next('MESSAGE', 10_000);
    seen.push(m.headers['x-n']!);
    c.send('ACK', { id: m.headers.ack! });
  }
  return seen;
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Polls `cond` (a check of broker state that changes as frames are processed), bounded. */
async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const enqueuedOf = (b: XmlBroker, d: string) => b.broker.stats().destinations.find((x) => x.destination === d)?.enqueued ?? 0;

describe('memory, temp and store limits on a journal broker', () => {
  it('ActiveMQ tempUsage (file cursor): non-persistent messages beyond memoryLimit spill to <dataDirectory>/tmp_storage without holding the producer back; each arrives once, in order', async () => {
    const b = await journalBroker({ memory: '64 kb' });
    try {
      const producer = await b.client();
      for (let i = 0; i < 100; i++) producer.send('SEND', { destination: '/queue/np', persistent: 'false', 'x-n': `m${i}`, receipt: `r${i}` }, BODY);
      // 800 KiB through a 64 KiB limit, and every SEND is acknowledged without a consumer.
      expect(await receipts(producer, 100)).toEqual(range('r', 100));
      const stats = b.broker.stats();
      expect(stats.usage.memory.bytes).toBeLessThan(64 * KiB + 2 * 9 * KiB);
      expect(stats.usage.temp.bytes).toBeGreaterThan(600 * KiB);
      expect(await readdir(path.join(b.dataDirectory, 'tmp_storage'))).not.toEqual([]);

      // The statistics destination reports the same temp usage.
      producer.send('SUBSCRIBE', { destination: '/temp-queue/stats', id: 'stats' });
      producer.send('SEND', { destination: '/queue/ActiveMQ.Statistics.Broker', 'reply-to': '/temp-queue/stats' });
      const reply = await producer.next('MESSAGE');
      expect(Number(reply.headers.tempUsage)).toBeGreaterThan(600 * KiB);
      expect(Number(reply.headers.tempPercentUsage)).toBe(0); // of the 50 GiB default

      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/np', id: 'c', ack: 'client-individual', 'activemq.prefetchSize': '10' });
      expect(await drain(consumer, 100)).toEqual(range('m', 100));
      await until(() => b.broker.stats().usage.temp.bytes === 0, 'the temp store to empty');
      expect(b.broker.stats().usage.memory.bytes).toBe(0);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ producerFlowControl on tempUsage: with memory and temp store full, the non-persistent producer is held back until a consumer drains; nothing is lost or duplicated', async () => {
    const b = await journalBroker({ memory: '64 kb', temp: '128 kb' });
    try {
      const producer = await b.client();
      for (let i = 0; i < 60; i++) producer.send('SEND', { destination: '/queue/held', persistent: 'false', 'x-n': `m${i}`, receipt: `r${i}` }, BODY);
      await producer.next('RECEIPT', 10_000);
      // 480 KiB offered against 64 KiB of memory and 128 KiB of temp store: the broker stops reading.
      await until(() => b.broker.stats().usage.temp.percent >= 100, 'the temp store to fill');
      expect(enqueuedOf(b, '/queue/held')).toBeLessThan(60);
      // ActiveMQ.Statistics replies are not held back: a monitor keeps seeing the full broker.
      const monitor = await b.client();
      monitor.send('SUBSCRIBE', { destination: '/temp-queue/stats', id: 'stats' });
      for (let i = 0; i < 3; i++) {
        monitor.send('SEND', { destination: '/queue/ActiveMQ.Statistics.Broker', 'reply-to': '/temp-queue/stats' });
        expect(Number((await monitor.next('MESSAGE', 5_000)).headers.tempPercentUsage)).toBeGreaterThanOrEqual(100);
      }

      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/held', id: 'c', ack: 'client-individual', 'activemq.prefetchSize': '5' });
      expect(await drain(consumer, 60)).toEqual(range('m', 60));
      expect((await receipts(producer, 59)).at(-1)).toBe('r59');
      expect(enqueuedOf(b, '/queue/held')).toBe(60);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ sendFailIfNoSpace with the temp store full: the non-persistent SEND gets ERROR MEMORY_FULL naming the temp limit; every message acknowledged before it arrives exactly once', async () => {
    const b = await journalBroker({ memory: '64 kb', temp: '128 kb', sendFail: true });
    try {
      const producer = await b.client();
      for (let i = 0; i < 60; i++) producer.send('SEND', { destination: '/queue/fail', persistent: 'false', 'x-n': `m${i}`, receipt: `r${i}` }, BODY);
      const receipts: StompFrame[] = [];
      const error = await producer.skipTo('ERROR', 10_000, receipts);
      const accepted = receipts.map((f) => f.headers['receipt-id']!.slice(1));
      expect(error.headers.code).toBe('MEMORY_FULL');
      expect(error.headers.message).toBe('temp limit of 131072 bytes (systemUsage) reached');
      await producer.waitClosed();
      // More than memory alone holds was accepted: the temp store took the rest.
      expect(accepted.length).toBeGreaterThan(64 / 8);
      expect(accepted.length).toBeLessThan(60);

      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/fail', id: 'c', ack: 'client-individual' });
      const got = await drain(consumer, accepted.length);
      expect(got).toEqual(accepted.map((n) => `m${n}`));
      // Nothing beyond what was acknowledged to the producer.
      consumer.send('SEND', { destination: '/queue/fail-done', receipt: 'barrier' });
      expect((await consumer.next(undefined, 5_000)).command).toBe('RECEIPT');
      expect(b.broker.stats().destinations.find((d) => d.destination === '/queue/fail')!.depth).toBe(0);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ store cursor: a persistent queue pages in only what fits under memoryLimit; its producer is not held back, and the consumer gets every message once, in order, as it drains', async () => {
    const b = await journalBroker({ memory: '64 kb' });
    try {
      const producer = await b.client();
      for (let i = 0; i < 100; i++) producer.send('SEND', { destination: '/queue/p', persistent: 'true', 'x-n': `m${i}`, receipt: `r${i}` }, BODY);
      expect(await receipts(producer, 100)).toEqual(range('r', 100));
      // The page counts against memory, and stops at the limit: without the byte bound the
      // 200-message page would hold all 800 KiB.
      const held = b.broker.stats().usage.memory.bytes;
      expect(held).toBeGreaterThan(32 * KiB);
      expect(held).toBeLessThan(64 * KiB + 2 * 9 * KiB);

      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/p', id: 'c', ack: 'client-individual', 'activemq.prefetchSize': '1000' });
      const seen: string[] = [];
      for (let i = 0; i < 100; i++) {
        const m = await consumer.next('MESSAGE', 10_000);
        seen.push(m.headers['x-n']!);
        // Paged-in and unacknowledged messages count: memory stays near the limit while the consumer holds them.
        expect(b.broker.stats().usage.memory.bytes).toBeLessThan(64 * KiB + 2 * 9 * KiB);
        consumer.send('ACK', { id: m.headers.ack! });
      }
      expect(seen).toEqual(range('m', 100));
      await until(() => b.broker.stats().usage.memory.bytes === 0, 'memory to be released');
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ browser:true on a queue paged from the journal and the temp store: each waiting message is shown once, in order, then browser:end', async () => {
    const b = await journalBroker({ memory: '64 kb' });
    try {
      const producer = await b.client();
      for (let i = 0; i < 60; i++) {
        producer.send('SEND', { destination: '/queue/browse', persistent: i % 3 === 0 ? 'false' : 'true', 'x-n': `m${i}`, receipt: `r${i}` }, BODY);
      }
      await receipts(producer, 60);
      const browser = await b.client();
      browser.send('SUBSCRIBE', { destination: '/queue/browse', id: 'b', browser: 'true' });
      const shown: string[] = [];
      for (;;) {
        const m = await browser.next('MESSAGE', 10_000);
        if (m.headers.browser === 'end') break;
        shown.push(m.headers['x-n']!);
      }
      expect(shown).toEqual(range('m', 60));
    } finally {
      await b.stop();
    }
  });

  it('persistent and non-persistent messages on one queue with a slow consumer: memory stays bounded, both stores hold the rest, and each message arrives once', async () => {
    const b = await journalBroker({ memory: '64 kb' });
    try {
      const producer = await b.client();
      for (let i = 0; i < 120; i++) {
        producer.send('SEND', { destination: '/queue/mixed', persistent: i % 2 === 0 ? 'true' : 'false', 'x-n': `m${i}`, receipt: `r${i}` }, BODY);
      }
      expect(await receipts(producer, 120)).toHaveLength(120);
      const s = b.broker.stats();
      expect(s.usage.memory.bytes).toBeLessThan(64 * KiB + 2 * 9 * KiB);
      expect(s.usage.temp.bytes).toBeGreaterThan(0);
      expect(s.usage.store.bytes).toBeGreaterThan(0);
      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/mixed', id: 'c', ack: 'client-individual', 'activemq.prefetchSize': '3' });
      const got = await drain(consumer, 120);
      // JMS 2.0 §6.2.9 orders messages of one producer only within a delivery mode.
      expect(got.filter((n) => Number(n.slice(1)) % 2 === 0)).toEqual(range('m', 120).filter((_, i) => i % 2 === 0));
      expect(got.filter((n) => Number(n.slice(1)) % 2 === 1)).toEqual(range('m', 120).filter((_, i) => i % 2 === 1));
      expect(new Set(got).size).toBe(120);
    } finally {
      await b.stop();
    }
  });
});
