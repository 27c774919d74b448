import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, silentLogger } from '@tsmq/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JMSException, TextMessage } from '../src/index.js';
import { factory, removeDir } from './support/broker.js';

let dir: string;
let cert: Buffer;
let broker: Broker;
let sslUrl: string;
let wssUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsmq-client-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await new Promise<void>((resolve, reject) =>
    execFile(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost',
        '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { timeout: 30_000 },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  cert = await readFile(certFile);
  broker = new Broker({
    transportConnectors: [
      { protocol: 'stomp+ssl', host: '127.0.0.1', port: 0, tls: { keyFile, certFile } },
      { protocol: 'wss', host: '127.0.0.1', port: 0, tls: { keyFile, certFile } },
    ],
    persistent: false,
    dataDirectory: dir,
    logger: silentLogger,
  } as never);
  await broker.start();
  const [ssl, wss] = broker.addresses();
  sslUrl = `ssl://127.0.0.1:${ssl!.port}`;
  wssUrl = `wss://127.0.0.1:${wss!.port}/`;
}, 40_000);

afterAll(async () => {
  await broker?.stop();
  await removeDir(dir);
});

describe('TLS transports', () => {
  it.each(['ssl', 'wss'])('ActiveMQ %s:// URL: messages flow over TLS when the broker certificate is trusted', async (scheme) => {
    const url = scheme === 'ssl' ? sslUrl : wssUrl;
    const connection = await factory(url, { tls: { ca: cert } }).createConnection();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(`tls.${scheme}`);
      const consumer = await session.createConsumer(queue);
      await connection.start();
      await session.createProducer(queue).send(session.createTextMessage('secret'));
      expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('secret');
    } finally {
      await connection.close();
    }
  });

  it('an untrusted broker certificate is refused by default', async () => {
    const connection = await factory(sslUrl).createConnection();
    try {
      const error = await connection.createSession().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JMSException);
      expect((error as JMSException).code).toBe('CONNECTION_FAILED');
    } finally {
      await connection.close();
    }
  });
});
