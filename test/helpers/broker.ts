import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, type BrokerOptions } from '@tsmq/broker';

export interface TestBroker {
  broker: Broker;
  stompPort: number;
  wsPort: number;
  dataDirectory: string;
  stop(): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {} };

/** An in-process broker on ephemeral loopback ports, with its own data directory. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'tsmq-test-'));
  const broker = new Broker({
    transportConnectors: [
      { protocol: 'stomp', host: '127.0.0.1', port: 0 },
      { protocol: 'ws', host: '127.0.0.1', port: 0 },
    ],
    dataDirectory,
    logger: silent,
    ...options,
  } as BrokerOptions);
  await broker.start();
  const addresses = broker.addresses();
  const port = (protocol: string) => addresses.find((a) => a.protocol === protocol)?.port ?? -1;
  return {
    broker,
    stompPort: port('stomp'),
    wsPort: port('ws'),
    dataDirectory,
    async stop() {
      await broker.stop();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}
