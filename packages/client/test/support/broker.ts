import { Broker, silentLogger, type Authenticator, type BrokerOptions } from '@tsmq/broker';
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionFactory, type ConnectionFactoryOptions, type Message, type TextMessage } from '../../src/index.js';

/** A real broker on ephemeral ports (STOMP over TCP and WebSocket) with a fresh data directory. */
export interface TestBroker {
  broker: Broker;
  tcpUrl: string;
  wsUrl: string;
  tcpPort: number;
  dataDirectory: string;
  stop(): Promise<void>;
}

export async function startBroker(
  options: { authenticator?: Authenticator; tcpPort?: number; dataDirectory?: string } & Partial<BrokerOptions> = {},
): Promise<TestBroker> {
  const dataDirectory = options.dataDirectory ?? (await mkdtemp(join(tmpdir(), 'tsmq-client-')));
  const { tcpPort, ...rest } = options;
  const broker = new Broker({
    transportConnectors: [
      { protocol: 'stomp', host: '127.0.0.1', port: tcpPort ?? 0 },
      { protocol: 'ws', host: '127.0.0.1', port: 0 },
    ],
    persistent: false,
    logger: silentLogger,
    ...rest,
    dataDirectory,
  } as BrokerOptions);
  await broker.start();
  const addresses = broker.addresses();
  const tcp = addresses.find((a) => a.protocol === 'stomp');
  const ws = addresses.find((a) => a.protocol === 'ws');
  return {
    broker,
    tcpUrl: tcp ? `tcp://127.0.0.1:${tcp.port}` : '',
    wsUrl: ws ? `ws://127.0.0.1:${ws.port}/` : '',
    tcpPort: tcp?.port ?? 0,
    dataDirectory,
    async stop() {
      await broker.stop();
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * One broker shared by the tests of the calling file (or `describe` block): started before them,
 * stopped with its data directory removed after them. The returned object is filled in once the
 * broker has started, so its fields are read inside tests and hooks, not at collection time.
 */
export function sharedBroker(options: Parameters<typeof startBroker>[0] = {}): TestBroker {
  const shared = {} as TestBroker;
  beforeAll(async () => {
    Object.assign(shared, await startBroker(options));
  });
  afterAll(async () => {
    if (shared.broker === undefined) return;
    await shared.stop();
    await removeDir(shared.dataDirectory);
  });
  return shared;
}

let nameSeq = 0;
/** A destination or subscription name no other test of this run uses, so tests sharing a broker do not see each other's messages. */
export const unique = (prefix: string): string => `${prefix}.${process.pid}.${++nameSeq}`;

/** The text of a TextMessage, or null for no message. */
export const text = (m: Message | null): string | null => (m as TextMessage | null)?.getText() ?? null;

/** A factory with heart-beats off (tests need no timers) unless asked for. */
export function factory(url: string, options: ConnectionFactoryOptions = {}): ConnectionFactory {
  return new ConnectionFactory(url, { heartBeat: { outgoing: 0, incoming: 0 }, ...options });
}

/** Resolves with the first value `register` produces, or rejects after `ms`. */
export function within<T>(ms: number, what: string, register: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    register((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

/** Polls `check` until it returns true, failing after `ms`. For state with no event to wait on. */
export async function eventually(ms: number, what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
