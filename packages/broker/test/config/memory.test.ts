import { describe, expect, it } from 'vitest';
import type { RawStompClient } from '../helpers/raw-client.js';
import { brokerXml, startXmlBroker, type XmlBroker } from './xml-broker.js';

const BODY = 'x'.repeat(8 * 1024);
const STOMP = '<transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>';

/** A policy giving queue SLOW its own 64 KiB memory limit, under a 16 MiB broker limit. */
function slowQueueBroker(systemUsage = '') {
  return brokerXml(
    `<destinationPolicy><policyMap><policyEntries>
       <policyEntry queue="SLOW" memoryLimit="64 kb"/>
     </policyEntries></policyMap></destinationPolicy>
     <systemUsage><systemUsage ${systemUsage}><memoryUsage><memoryUsage limit="16 mb"/></memoryUsage></systemUsage></systemUsage>
     ${STOMP}`,
    'persistent="false"',
  );
}

/** Sends `count` non-persistent messages to `destination`, each asking for receipt `<prefix><i>`. */
function sendMany(c: RawStompClient, destination: string, count: number, prefix: string): void {
  for (let i = 0; i < count; i++) c.send('SEND', { destination, receipt: `${prefix}${i}` }, BODY);
}

async function receipts(c: RawStompClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) ids.push((await c.next('RECEIPT', 5_000)).headers['receipt-id']!);
  return ids;
}

/**
 * Pushes five times queue SLOW's memory limit at it and checks that the broker refuses a SEND with
 * ERROR MEMORY_FULL naming the queue, then closes that producer's connection (STOMP 1.2 §ERROR).
 */
async function expectSlowQueueRefusal(b: XmlBroker): Promise<void> {
  const slow = await b.client();
  sendMany(slow, '/queue/SLOW', 40, 's');
  const error = await slow.skipTo('ERROR', 5_000);
  expect(error.headers.code).toBe('MEMORY_FULL');
  expect(error.headers.message).toBe('memory limit of 65536 bytes reached on queue://SLOW');
  await slow.waitClosed();
}

const depthOf = (b: { broker: { stats(): { destinations: Array<{ destination: string; enqueued: number }> } } }, d: string) =>
  b.broker.stats().destinations.find((x) => x.destination === d)?.enqueued ?? 0;

describe('memory limits through activemq.xml', () => {
  it('ActiveMQ policyEntry memoryLimit + producerFlowControl: a producer to a full queue is held back while another queue keeps flowing; it resumes as a consumer drains', async () => {
    const b = await startXmlBroker(slowQueueBroker());
    try {
      const slow = await b.client();
      // 40 x 8 KiB is five times the queue's limit.
      sendMany(slow, '/queue/SLOW', 40, 's');
      await slow.next('RECEIPT', 5_000);

      const other = await b.client();
      sendMany(other, '/queue/FAST', 5, 'f');
      expect(await receipts(other, 5)).toHaveLength(5);
      // The broker stopped reading the SLOW producer near the limit: most of its SENDs are unread.
      expect(depthOf(b, '/queue/SLOW')).toBeLessThan(40);
      const memory = b.broker.stats().usage.memory;
      expect(memory.bytes).toBeLessThan(memory.limit);

      const consumer = await b.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/SLOW', id: 'c' });
      for (let i = 0; i < 40; i++) await consumer.next('MESSAGE', 5_000);
      // Every remaining receipt arrives once the consumer made room.
      expect((await receipts(slow, 39)).at(-1)).toBe('s39');
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ sendFailIfNoSpace with a policyEntry memoryLimit: the SEND to the full queue gets ERROR MEMORY_FULL naming the queue; other queues accept', async () => {
    const b = await startXmlBroker(slowQueueBroker('sendFailIfNoSpace="true"'));
    try {
      await expectSlowQueueRefusal(b);
      const other = await b.client();
      sendMany(other, '/queue/FAST', 3, 'f');
      expect(await receipts(other, 3)).toEqual(['f0', 'f1', 'f2']);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ sendFailIfNoSpaceAfterTimeout: a producer held at the limit gets ERROR MEMORY_FULL once the timeout passes without room', async () => {
    const b = await startXmlBroker(slowQueueBroker('sendFailIfNoSpaceAfterTimeout="200"'));
    try {
      await expectSlowQueueRefusal(b);
      // What was accepted before the timeout stays deliverable.
      expect(depthOf(b, '/queue/SLOW')).toBeGreaterThan(0);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ policyEntry memoryLimit on a topic: a subscriber that does not acknowledge holds back that topic\'s publisher only', async () => {
    const b = await startXmlBroker(
      brokerXml(
        `<destinationPolicy><policyMap><policyEntries><policyEntry topic="PRICES" memoryLimit="64 kb"/></policyEntries></policyMap></destinationPolicy>${STOMP}`,
        'persistent="false"',
      ),
    );
    try {
      const subscriber = await b.client();
      subscriber.send('SUBSCRIBE', { destination: '/topic/PRICES', id: 'p', ack: 'client-individual', 'activemq.prefetchSize': '1', receipt: 'sub' });
      await subscriber.next('RECEIPT');
      const publisher = await b.client();
      sendMany(publisher, '/topic/PRICES', 40, 'p');
      await publisher.next('RECEIPT', 5_000);
      const other = await b.client();
      sendMany(other, '/topic/NEWS', 3, 'n');
      expect(await receipts(other, 3)).toEqual(['n0', 'n1', 'n2']);
      expect(depthOf(b, '/topic/PRICES')).toBeLessThan(40);
      for (let i = 0; i < 40; i++) {
        const m = await subscriber.next('MESSAGE', 5_000);
        subscriber.send('ACK', { id: m.headers.ack! });
      }
      expect((await receipts(publisher, 39)).at(-1)).toBe('p39');
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ persistent="false": persistent messages are held in memory, so they count against memoryLimit too', async () => {
    const b = await startXmlBroker(
      brokerXml(
        `<systemUsage><systemUsage sendFailIfNoSpace="true"><memoryUsage><memoryUsage limit="64 kb"/></memoryUsage></systemUsage></systemUsage>${STOMP}`,
        'persistent="false"',
      ),
    );
    try {
      const c = await b.client();
      for (let i = 0; i < 40; i++) c.send('SEND', { destination: '/queue/p', persistent: 'true', receipt: `p${i}` }, BODY);
      const error = await c.skipTo('ERROR', 5_000);
      expect(error.headers.code).toBe('MEMORY_FULL');
      expect(error.headers.message).toBe('memory limit of 65536 bytes (systemUsage) reached');
      expect(b.broker.stats().usage.memory.bytes).toBeGreaterThanOrEqual(64 * 1024);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ storeUsage limit: the journal refuses persistent messages beyond it with ERROR STORE_FULL; the store keeps what it accepted', async () => {
    const b = await startXmlBroker(
      brokerXml(
        `<persistenceAdapter><kahaDB directory="\${test.data}/kahadb" journalMaxFileLength="1 mb"/></persistenceAdapter>
         <systemUsage><systemUsage><storeUsage><storeUsage limit="256 kb"/></storeUsage></systemUsage></systemUsage>${STOMP}`,
      ),
    );
    try {
      const c = await b.client();
      let accepted = 0;
      let error;
      for (let i = 0; i < 64 && !error; i++) {
        c.send('SEND', { destination: '/queue/stored', persistent: 'true', receipt: `r${i}` }, BODY);
        const f = await c.next(undefined, 5_000);
        if (f.command === 'RECEIPT') accepted++;
        else error = f;
      }
      expect(error?.headers.code).toBe('STORE_FULL');
      expect(accepted).toBeGreaterThan(0);
      expect(b.broker.stats().usage.store.limit).toBe(256 * 1024);
      expect(b.broker.stats().destinations.find((d) => d.destination === '/queue/stored')?.depth).toBe(accepted);
    } finally {
      await b.stop();
    }
  });
});
