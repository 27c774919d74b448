import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseBrokerConfigXml } from '@tsmq/config';
import { Broker, type Logger } from '../../src/index.js';
import { RawStompClient } from '../helpers/raw-client.js';

/** A broker started from an activemq.xml text, as the CLI would start it, in a fresh data directory. */
export interface XmlBroker {
  broker: Broker;
  dataDirectory: string;
  /** The bound port of the connector named `name` (default: the first). */
  port(name?: string): number;
  /** A new TCP client on the first connector, CONNECTed with STOMP 1.2 and `headers`. */
  client(headers?: Record<string, string>): Promise<RawStompClient>;
  /** A new TCP client on the first connector, not yet CONNECTed. */
  raw(): Promise<RawStompClient>;
  stop(): Promise<void>;
}

/** Collects log lines and lets a test wait for one. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  private waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  info(message: string): void {
    this.push(message);
  }
  warn(message: string): void {
    this.push(message);
  }
  error(message: string): void {
    this.push(message);
  }
  private push(line: string): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pattern.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }
  /** Resolves with the first line (past or future) matching `pattern`; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs = 5_000): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line ${pattern} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }
}

/** Wraps `inner` (the children of `<broker>`) in a broker element. */
export function brokerXml(inner: string, attributes = ''): string {
  return `<beans><broker xmlns="http://activemq.apache.org/schema/core" brokerName="test" ${attributes}>${inner}</broker></beans>`;
}

/** Parses `xml` with the configuration loader and starts the broker it describes. */
export async function startXmlBroker(xml: string, options: { logger?: Logger; properties?: Record<string, string> } = {}): Promise<XmlBroker> {
  const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'tsmq-config-'));
  const { config } = parseBrokerConfigXml(xml, { properties: { 'test.data': dataDirectory, ...options.properties }, env: {} });
  const broker = new Broker({ ...config, dataDirectory, logger: options.logger ?? new CapturingLogger() });
  await broker.start();
  const clients: RawStompClient[] = [];
  const port = (name?: string) => {
    const a = name === undefined ? broker.addresses()[0] : broker.addresses().find((x) => x.name === name);
    if (!a) throw new Error(`no connector ${name ?? ''}`);
    return a.port;
  };
  const raw = async () => {
    const c = await RawStompClient.tcp(port());
    clients.push(c);
    return c;
  };
  return {
    broker,
    dataDirectory,
    port,
    raw,
    async client(headers = {}) {
      const c = await raw();
      await c.connect({ 'accept-version': '1.2', host: 'localhost', ...headers });
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await broker.stop();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}
