import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encodeFrame } from '@tsmq/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCli, procBytes, startBrokerCli } from '../helpers/broker-process.js';
import { RawStompClient } from '../helpers/raw-client.js';
import { brokerXml } from './xml-broker.js';

const MiB = 1024 * 1024;
const MESSAGE_BYTES = 64 * 1024;
/** 128 MiB pushed through a broker whose memoryLimit is 1 MiB. */
const MESSAGES = 2048;

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-memory-'));
  // The CLI runs from the build output, which the test run's global setup brings up to date.
  expect(existsSync(brokerCli)).toBe(true);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Writes `count` copies of `frame`, waiting for 'drain' whenever the socket buffer is full. */
async function pushFrames(socket: net.Socket, frame: Uint8Array, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (!socket.write(frame)) await new Promise<void>((resolve) => socket.once('drain', resolve));
  }
}

/** Asks `ActiveMQ.Statistics.<query>` until `ok(headers)`; bounded. */
async function waitForStats(c: RawStompClient, ok: (h: Record<string, string>) => boolean, query = 'Broker', timeoutMs = 15_000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    c.send('SEND', { destination: `/queue/ActiveMQ.Statistics.${query}`, 'reply-to': '/temp-queue/stats' });
    const reply = await c.next('MESSAGE', 5_000);
    const headers = reply.headers as Record<string, string>;
    if (ok(headers)) return headers;
    if (Date.now() > deadline) throw new Error(`statistics never matched: ${JSON.stringify(headers)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('memory limit in a broker process', () => {
  it.skipIf(!existsSync('/proc/self/status'))(
    'ActiveMQ systemUsage memoryLimit: 128 MiB pushed at a stalled consumer through a 1 MiB limit leaves the broker process far below 128 MiB of growth, and every message arrives',
    async () => {
      const configFile = path.join(workDir, 'activemq.xml');
      await writeFile(
        configFile,
        brokerXml(
          `<systemUsage><systemUsage><memoryUsage><memoryUsage limit="1 mb"/></memoryUsage></systemUsage></systemUsage>
           <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>`,
          `persistent="false" dataDirectory="${path.join(workDir, 'data')}"`,
        ),
      );
      const broker = await startBrokerCli(['--config', configFile], workDir);
      const port = broker.stompPort();
      const clients: RawStompClient[] = [];
      const producer = new net.Socket();
      try {
        const asker = await RawStompClient.tcp(port);
        clients.push(asker);
        await asker.connect();
        asker.send('SUBSCRIBE', { destination: '/temp-queue/stats', id: 'stats' });
        await waitForStats(asker, (h) => h.currentConnectionsCount === '1');
        const baseline = await procBytes(broker.child.pid!, 'VmRSS');

        const consumer = await RawStompClient.tcp(port);
        clients.push(consumer);
        await consumer.connect();
        consumer.send('SUBSCRIBE', { destination: '/queue/big', id: 'c', receipt: 'subscribed' });
        await consumer.next('RECEIPT');
        // The consumer stops reading: the broker can only keep messages or hold the producer back.
        consumer.pause();

        await new Promise<void>((resolve, reject) => {
          producer.once('error', reject);
          producer.connect(port, '127.0.0.1', resolve);
        });
        producer.write(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost' }, undefined, { version: '1.2' }));
        const frame = encodeFrame('SEND', { destination: '/queue/big', persistent: 'false' }, new Uint8Array(MESSAGE_BYTES), { version: '1.2' });
        const pushed = pushFrames(producer, frame, MESSAGES);

        const full = await waitForStats(asker, (h) => Number(h.memoryPercentUsage) >= 100);
        expect(Number(full.memoryLimit)).toBe(MiB);

        consumer.resume();
        for (let i = 0; i < MESSAGES; i++) await consumer.next('MESSAGE', 10_000);
        await pushed;
        const peak = await procBytes(broker.child.pid!, 'VmHWM');
        // Unbounded buffering adds more than the 128 MiB pushed (about 150 MiB measured); with the
        // limit the growth is garbage awaiting collection (about 40 MiB measured), hence this bound.
        expect(peak - baseline).toBeLessThan(80 * MiB);
        const drained = await waitForStats(asker, (h) => h.size === '0', 'Destination.big');
        expect(drained.enqueueCount).toBe(String(MESSAGES));
        expect(drained.dequeueCount).toBe(String(MESSAGES));
      } finally {
        producer.destroy();
        for (const c of clients) c.close();
        broker.kill();
      }
    },
    60_000,
  );
});
