import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Broker, type BrokerOptions, silentLogger } from '../../src/index.js';
import { RawStompClient } from './raw-client.js';

/** A broker on ephemeral ports of 127.0.0.1 (one STOMP and one WebSocket connector) with a fresh data directory. */
export interface TestBroker {
  broker: Broker;
  stompPort: number;
  wsPort: number;
  wsUrl: string;
  dataDirectory: string;
  /** A new TCP client, already CONNECTed with STOMP 1.2. */
  client(headers?: Record<string, string>): Promise<RawStompClient>;
  stop(): Promise<void>;
}

export async function startBroker(options: BrokerOptions = {}, connector: Record<string, unknown> = {}): Promise<TestBroker> {
  const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'tsmq-broker-'));
  const broker = new Broker({
    transportConnectors: [
      { protocol: 'stomp', host: '127.0.0.1', port: 0, ...connector },
      { protocol: 'ws', host: '127.0.0.1', port: 0, ...connector },
    ],
    persistent: false,
    dataDirectory,
    statusLogInterval: 0,
    logger: silentLogger,
    ...options,
  });
  await broker.start();
  const [stomp, ws] = broker.addresses();
  const clients: RawStompClient[] = [];
  return {
    broker,
    stompPort: stomp!.port,
    wsPort: ws!.port,
    wsUrl: `ws://127.0.0.1:${ws!.port}`,
    dataDirectory,
    async client(headers) {
      const c = await RawStompClient.tcp(stomp!.port);
      clients.push(c);
      await c.connect(headers);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await broker.stop();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * One broker shared by the tests of the calling file (or `describe` block): started before them and
 * stopped after them. The returned object is filled in once the broker has started, so its fields
 * are read inside tests and hooks, not at collection time.
 */
export function sharedBroker(options: BrokerOptions = {}, connector: Record<string, unknown> = {}): TestBroker {
  const shared = {} as TestBroker;
  beforeAll(async () => {
    Object.assign(shared, await startBroker(options, connector));
  });
  afterAll(async () => {
    await shared.stop?.();
  });
  return shared;
}
