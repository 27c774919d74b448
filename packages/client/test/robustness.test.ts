import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeliveryMode,
  JMSException,
  JMSSecurityException,
  IllegalStateException,
  ResourceAllocationException,
  Session,
  TextMessage,
  TransactionRolledBackException,
  type Connection,
  type Transport,
  type TransportConnector,
} from '../src/index.js';
import { nodeTransportConnector } from '../src/transport/node-connector.js';
import { eventually, factory, removeDir, startBroker, within, type TestBroker } from './support/broker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function broker(options: Parameters<typeof startBroker>[0] = {}): Promise<TestBroker> {
  const b = await startBroker(options);
  cleanups.push(async () => {
    await b.stop();
    await removeDir(b.dataDirectory);
  });
  return b;
}

function track(connection: Connection): Connection {
  cleanups.push(() => connection.close());
  return connection;
}

/** A transport connector that records the command line of every frame written and read. */
function recording(log: string[]): TransportConnector {
  const firstLines = (chunk: Uint8Array) =>
    Buffer.from(chunk)
      .toString('latin1')
      .split('\0')
      .map((f) => f.replace(/^\n+/, ''))
      .filter((f) => f.length > 0)
      .map((f) => {
        const lines = f.split('\n');
        const receipt = lines.find((l) => l.startsWith('receipt:') || l.startsWith('receipt-id:'));
        return receipt ? `${lines[0]} ${receipt}` : lines[0]!;
      });
  return async (endpoint, events, options) => {
    const t: Transport = await nodeTransportConnector(
      endpoint,
      {
        ...events,
        data: (chunk) => {
          for (const l of firstLines(chunk)) log.push(`< ${l}`);
          events.data(chunk);
        },
      },
      options,
    );
    return {
      description: t.description,
      close: () => t.close(),
      write: (bytes) => {
        for (const l of firstLines(bytes)) log.push(`> ${l}`);
        return t.write(bytes);
      },
    };
  };
}

describe('sending', () => {
  it('JMS 2.0 §7.2: a PERSISTENT send resolves only after the broker RECEIPT; NON_PERSISTENT asks for none', async () => {
    const b = await broker();
    const log: string[] = [];
    const connection = track(await factory(b.tcpUrl, { transportConnector: recording(log) }).createConnection());
    const session = await connection.createSession();
    const producer = session.createProducer(session.createQueue('receipts'));
    await producer.send(session.createTextMessage('p'));
    const send = log.find((l) => l.startsWith('> SEND'))!;
    expect(send).toMatch(/receipt:(\S+)/);
    const id = /receipt:(\S+)/.exec(send)![1];
    expect(log).toContain(`< RECEIPT receipt-id:${id}`);
    log.length = 0;
    await producer.send(session.createTextMessage('np'), DeliveryMode.NON_PERSISTENT, 4, 0);
    expect(log.filter((l) => l.startsWith('> SEND'))).toEqual(['> SEND']);
  });

  it('a frame larger than maxFrameSize is refused before sending, naming the limit; the connection stays usable', async () => {
    const b = await broker();
    const connection = track(await factory(b.tcpUrl, { maxFrameSize: 1000 }).createConnection());
    const session = await connection.createSession();
    const queue = session.createQueue('big');
    const producer = session.createProducer(queue);
    const big = session.createBytesMessage();
    big.writeBytes(new Uint8Array(1001));
    const error = await producer.send(big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceAllocationException);
    expect((error as JMSException).code).toBe('FRAME_TOO_LARGE');
    expect((error as Error).message).toContain('1000');
    const consumer = await session.createConsumer(queue);
    await connection.start();
    await producer.send(session.createTextMessage('small'));
    expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('small');
  });

  it('STOMP 1.2 §ERROR: a PERSISTENT send the broker refuses rejects with the broker\'s code and message', async () => {
    const b = await broker({
      transportConnectors: [{ protocol: 'stomp', host: '127.0.0.1', port: 0, maxFrameSize: 512 }],
    } as never);
    const connection = track(await factory(b.tcpUrl).createConnection());
    const session = await connection.createSession();
    const m = session.createBytesMessage();
    m.writeBytes(new Uint8Array(4096));
    const error = await session.createProducer(session.createQueue('refused')).send(m).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JMSException);
    expect((error as JMSException).code).toBe('FRAME_TOO_LARGE');
    expect((error as JMSException).broker?.code).toBe('FRAME_TOO_LARGE');
  });
});

describe('backpressure', () => {
  it('a producer awaiting its sends stops when the broker stops reading, instead of buffering without bound', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => {
        socket.write('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0');
        // A broker that cannot keep up: nothing more is read, so TCP flow control pushes back.
        socket.pause();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    });
    const port = (server.address() as { port: number }).port;
    const connection = track(await factory(`tcp://127.0.0.1:${port}`, { closeTimeout: 100 }).createConnection());
    const session = await connection.createSession();
    const producer = session.createProducer(session.createQueue('slow'));
    const body = new Uint8Array(1024 * 1024);
    const total = 256;
    let completed = 0;
    for (; completed < total; completed++) {
      const m = session.createBytesMessage();
      m.writeBytes(body);
      const sent = producer.send(m, DeliveryMode.NON_PERSISTENT, 4, 0).then(() => true);
      const stalled = new Promise<boolean>((r) => setTimeout(() => r(false), 1000));
      if (!(await Promise.race([sent, stalled]))) break;
    }
    // 256 MiB were offered; only what fits in the socket buffers may have been accepted.
    expect(completed).toBeLessThan(total);
  });
});

describe('connection failures', () => {
  it('JMS 2.0 §6.1.8: losing the connection without failover reaches the ExceptionListener', async () => {
    const b = await broker();
    const connection = track(await factory(b.tcpUrl).createConnection());
    const lost = within<JMSException>(5000, 'the exception listener', (done) => connection.setExceptionListener(done));
    const session = await connection.createSession();
    await b.stop();
    const error = await lost;
    expect(error).toBeInstanceOf(JMSException);
    expect(() => session.createProducer(null)).toThrow(IllegalStateException);
  });

  it('STOMP 1.2 §Heart-beating: with heart-beats agreed both ways an idle connection stays up', async () => {
    const b = await broker();
    const connection = track(await factory(b.tcpUrl, { heartBeat: { outgoing: 50, incoming: 50 } }).createConnection());
    const failures: JMSException[] = [];
    connection.setExceptionListener((e) => failures.push(e));
    const session = await connection.createSession();
    const queue = session.createQueue('idle');
    const consumer = await session.createConsumer(queue);
    await connection.start();
    // Idle for many heart-beat periods: only heart-beats keep either side from timing out.
    expect(await consumer.receive(600)).toBeNull();
    await session.createProducer(queue).send(session.createTextMessage('still here'));
    expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('still here');
    expect(failures).toEqual([]);
  });

  it('STOMP 1.2 §Heart-beating: a broker that goes silent is reported as a missed heart-beat', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => {
        // Agrees to heart-beats, then never sends anything again.
        socket.write('CONNECTED\nversion:1.2\nheart-beat:50,50\n\n\0');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    });
    const port = (server.address() as { port: number }).port;
    const connection = track(
      await factory(`tcp://127.0.0.1:${port}`, { heartBeat: { outgoing: 50, incoming: 50 } }).createConnection(),
    );
    const reported = within<JMSException>(5000, 'the heart-beat failure', (done) => connection.setExceptionListener(done));
    await connection.createSession();
    const error = await reported;
    expect(error.code).toBe('HEARTBEAT_MISSED');
    expect(error.message).toContain('heart-beat');
  });

  it('a refused login is a JMSSecurityException carrying the broker code', async () => {
    const b = await broker({
      authenticator: { authenticate: (c) => (c.login === 'alice' && c.passcode === 'secret' ? { user: 'alice', groups: [] } : null) },
    });
    const bad = track(await factory(b.tcpUrl, { userName: 'alice', password: 'wrong' }).createConnection());
    const error = await bad.createSession().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JMSSecurityException);
    expect((error as JMSException).broker).toBeDefined();
    const good = track(await factory(b.tcpUrl).createConnection('alice', 'secret'));
    await good.createSession();
  });

  it('ActiveMQ failover: an authentication error stops the reconnect loop instead of retrying forever', async () => {
    const b = await broker({ authenticator: { authenticate: () => null } });
    let attempts = 0;
    const connection = track(
      await factory(`failover:(${b.tcpUrl})?initialReconnectDelay=10&maxReconnectAttempts=-1`, {
        credentials: () => {
          attempts++;
          return { login: 'mallory', passcode: 'x' };
        },
      }).createConnection(),
    );
    await expect(connection.createSession()).rejects.toBeInstanceOf(JMSSecurityException);
    expect(attempts).toBe(1);
  });
});

describe('failover', () => {
  async function restartable(): Promise<{
    url: string;
    restart(): Promise<TestBroker>;
    stop(): Promise<void>;
    start(): Promise<TestBroker>;
    current(): TestBroker;
  }> {
    let b = await startBroker();
    const port = b.tcpPort;
    const dir = b.dataDirectory;
    cleanups.push(async () => {
      await b.stop();
      await removeDir(dir);
    });
    return {
      url: `failover:(tcp://127.0.0.1:${port})?initialReconnectDelay=20&maxReconnectDelay=200&randomize=false`,
      current: () => b,
      async restart() {
        await b.stop();
        b = await startBroker({ tcpPort: port, dataDirectory: dir });
        return b;
      },
      async stop() {
        await b.stop();
      },
      async start() {
        b = await startBroker({ tcpPort: port, dataDirectory: dir });
        return b;
      },
    };
  }

  it('ActiveMQ failover: after the broker restarts, subscriptions are restored once and sends queued meanwhile are delivered', async () => {
    const r = await restartable();
    let credentialCalls = 0;
    const connection = track(
      await factory(r.url, {
        credentials: async () => {
          credentialCalls++;
          return { login: 'u', passcode: 'p' };
        },
      }).createConnection(),
    );
    const interruptions: JMSException[] = [];
    connection.setExceptionListener((e) => interruptions.push(e));
    const session = await connection.createSession();
    const queue = session.createQueue('failover.q');
    const consumer = await session.createConsumer(queue);
    await connection.start();
    const producer = session.createProducer(queue);
    await producer.send(session.createTextMessage('before'));
    expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('before');

    const b2 = await r.restart();
    // Sent while the client may still be reconnecting: it is queued, then sent after re-subscribing.
    await producer.send(session.createTextMessage('after'));
    expect(((await consumer.receive(10_000)) as TextMessage).getText()).toBe('after');
    const stats = b2.broker.stats().destinations.find((d) => d.destination === '/queue/failover.q');
    expect(stats?.consumers).toBe(1);
    // Called before the first connect and before every reconnect attempt.
    expect(credentialCalls).toBeGreaterThanOrEqual(2);
    expect(interruptions).toEqual([]);
  });

  it('ActiveMQ failover: a consumer created during the outage is subscribed once, after the reconnect', async () => {
    const r = await restartable();
    let lost: () => void = () => undefined;
    const transportLost = new Promise<void>((resolve) => (lost = resolve));
    const watching: TransportConnector = async (endpoint, events, options) =>
      nodeTransportConnector(endpoint, { ...events, closed: (e) => (lost(), events.closed(e)) }, options);
    const connection = track(await factory(r.url, { transportConnector: watching }).createConnection());
    const session = await connection.createSession();
    await connection.start();
    await r.stop();
    await within<void>(10_000, 'the client to see the connection drop', (done) => void transportLost.then(done));
    const queue = session.createQueue('failover.late');
    const consumer = await session.createConsumer(queue);
    const b2 = await r.start();
    await session.createProducer(queue).send(session.createTextMessage('found'));
    expect(((await consumer.receive(10_000)) as TextMessage).getText()).toBe('found');
    const stats = b2.broker.stats().destinations.find((d) => d.destination === '/queue/failover.late');
    expect(stats?.consumers).toBe(1);
  });

  it('ActiveMQ failover: a durable subscription is re-subscribed under the same name and client ID', async () => {
    const r = await restartable();
    const connection = track(await factory(r.url, { clientID: 'failover-durable' }).createConnection());
    const session = await connection.createSession();
    const topic = session.createTopic('failover.news');
    const subscriber = await session.createDurableSubscriber(topic, 'reader');
    await connection.start();
    const b2 = await r.restart();
    await eventually(10_000, 'the durable subscription to come back', () =>
      b2.broker.stats().destinations.some((d) => d.consumers === 1),
    );
    const publisher = track(await factory(b2.tcpUrl).createConnection());
    const ps = await publisher.createSession();
    await ps.createProducer(ps.createTopic('failover.news')).send(ps.createTextMessage('after restart'));
    expect(((await subscriber.receive(5000)) as TextMessage).getText()).toBe('after restart');
  });

  it('ActiveMQ failover: when the first broker goes away the client moves to the next URI in the list', async () => {
    const first = await startBroker();
    const second = await broker();
    cleanups.push(async () => {
      await first.stop();
      await removeDir(first.dataDirectory);
    });
    const url = `failover:(${first.tcpUrl},${second.tcpUrl})?randomize=false&initialReconnectDelay=10&maxReconnectDelay=50`;
    const connection = track(await factory(url).createConnection());
    const session = await connection.createSession();
    const queue = session.createQueue('failover.move');
    const consumer = await session.createConsumer(queue);
    await connection.start();
    expect(first.broker.stats().connections).toBe(1);
    await first.stop();
    await session.createProducer(queue).send(session.createTextMessage('on the second broker'));
    expect(((await consumer.receive(10_000)) as TextMessage).getText()).toBe('on the second broker');
    expect(second.broker.stats().connections).toBe(1);
  });

  it('ActiveMQ failover: a transaction open during the outage fails on commit with TransactionRolledBackException', async () => {
    const r = await restartable();
    const connection = track(await factory(r.url).createConnection());
    const tx = await connection.createSession(Session.SESSION_TRANSACTED);
    const queue = tx.createQueue('failover.tx');
    const producer = tx.createProducer(queue);
    await producer.send(tx.createTextMessage('lost with the transaction'));
    const b2 = await r.restart();
    await eventually(10_000, 'the client to reconnect', () => b2.broker.stats().connections === 1);
    await producer.send(tx.createTextMessage('sent after the failover, same JMS transaction'));
    await expect(tx.commit()).rejects.toBeInstanceOf(TransactionRolledBackException);
    await producer.send(tx.createTextMessage('next transaction'));
    await tx.commit();
    const reader = await connection.createSession();
    const consumer = await reader.createConsumer(queue);
    await connection.start();
    expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('next transaction');
    expect(await consumer.receive(200)).toBeNull();
  });

  it('ActiveMQ failover timeout: a send waiting for a reconnection that does not come fails with SEND_TIMEOUT', async () => {
    const b = await startBroker();
    cleanups.push(() => removeDir(b.dataDirectory));
    const connection = track(
      await factory(`failover:(${b.tcpUrl})?initialReconnectDelay=20&maxReconnectDelay=50&timeout=300`).createConnection(),
    );
    const session = await connection.createSession();
    const producer = session.createProducer(session.createQueue('nowhere'));
    await producer.send(session.createTextMessage('delivered'));
    await b.stop();
    const error = await producer
      .send(session.createTextMessage('stuck'), DeliveryMode.NON_PERSISTENT, 4, 0)
      .then(() => producer.send(session.createTextMessage('stuck')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JMSException);
    expect((error as JMSException).code).toBe('SEND_TIMEOUT');
  });

  it('ActiveMQ failover: close() ends a connect that is still retrying an unreachable broker', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const connection = await factory(`failover:(tcp://127.0.0.1:${port})?initialReconnectDelay=20&maxReconnectDelay=50`).createConnection();
    const pending = connection.createSession().catch((e: unknown) => e);
    await connection.close();
    expect(await pending).toBeInstanceOf(IllegalStateException);
  });
});
