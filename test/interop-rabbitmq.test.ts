import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BytesMessage,
  ConnectionFactory,
  MapMessage,
  ObjectMessage,
  Session,
  StreamMessage,
  TextMessage,
  type Connection,
  type Message,
} from '@tsmq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './helpers/run-command.js';

/**
 * The same client against RabbitMQ 3.10's STOMP plugin: what our users need from any STOMP broker
 * (text and bytes bodies, properties, transactions). RabbitMQ has no JMS selectors and no
 * ActiveMQ-style durable subscriptions; docs/wire-format.md lists the differences.
 */

const PEERS = fileURLToPath(new URL('../../shared/peers/rabbitmq/', import.meta.url));
const STOMP_PORT = Number(process.env.RABBITMQ_STOMP_PORT ?? 61733);
// CI installs RabbitMQ through the peers script, so there a missing install fails the run.
const installed = existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server');
const runIt = installed || Boolean(process.env.CI);

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.skipIf(!runIt)('interop: RabbitMQ 3.10 STOMP', () => {
  // The peers script runs one node per machine (a fixed node name): reuse one that is already up,
  // and stop only the one this file started.
  let base: string | undefined;
  const connections: Connection[] = [];
  // Queue names unique to this run, since a reused broker may hold messages from earlier runs.
  const run_id = `${process.pid}-${Date.now()}`;

  async function connect(): Promise<Connection> {
    const c = await new ConnectionFactory(`tcp://127.0.0.1:${STOMP_PORT}`, {
      heartBeat: { outgoing: 0, incoming: 0 },
      virtualHost: '/',
    }).createConnection('guest', 'guest');
    connections.push(c);
    return c;
  }

  beforeAll(async () => {
    if (await listening(STOMP_PORT)) return;
    base = await mkdtemp(join(tmpdir(), 'tsmq-rabbitmq-'));
    await runCommand('bash', [join(PEERS, 'start.sh'), base], { timeout: 120_000 });
  }, 150_000);
  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => undefined);
    if (base !== undefined) {
      await runCommand('bash', [join(PEERS, 'stop.sh')], { timeout: 60_000 }).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    }
  }, 90_000);

  it('STOMP 1.2 §SEND: Text and Bytes messages keep their bodies and typed properties between two tsmq clients', async () => {
    const connection = await connect();
    const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const queue = session.createQueue(`interop.rabbit.bodies.${run_id}`);
    const consumer = await session.createConsumer(queue);
    await connection.start();
    const producer = session.createProducer(queue);
    const text = session.createTextMessage('héllo ✓');
    text.setLongProperty('orderId', 9007199254740993n);
    text.setStringProperty('region', 'EU');
    await producer.send(text);
    const bytes = session.createBytesMessage();
    bytes.writeInt(-2);
    bytes.writeUTF('ünïcode');
    bytes.writeBytes(new Uint8Array([0, 255]));
    await producer.send(bytes);

    const t = (await consumer.receive(10_000)) as Message;
    expect(t).toBeInstanceOf(TextMessage);
    expect((t as TextMessage).getText()).toBe('héllo ✓');
    expect(t.getLongProperty('orderId')).toBe(9007199254740993n);
    expect(t.getPropertyType('orderId')).toBe('long');
    expect(t.getStringProperty('region')).toBe('EU');
    const b = (await consumer.receive(10_000)) as BytesMessage;
    expect(b).toBeInstanceOf(BytesMessage);
    expect(b.readInt()).toBe(-2);
    expect(b.readUTF()).toBe('ünïcode');
    const tail = new Uint8Array(2);
    expect(b.readBytes(tail)).toBe(2);
    expect([...tail]).toEqual([0, 255]);
  });

  it('RabbitMQ STOMP: Map, Stream and Object messages (JSON bodies with marker headers) round-trip between tsmq clients', async () => {
    const connection = await connect();
    const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const queue = session.createQueue(`interop.rabbit.json.${run_id}`);
    const consumer = await session.createConsumer(queue);
    await connection.start();
    const producer = session.createProducer(queue);
    const map = session.createMapMessage();
    map.setLong('big', 9007199254740993n);
    map.setBytes('raw', new Uint8Array([0, 255]));
    await producer.send(map);
    const stream = session.createStreamMessage();
    stream.writeInt(5);
    stream.writeString('x');
    await producer.send(stream);
    await producer.send(session.createObjectMessage({ sku: 'A-1' }));

    const m = (await consumer.receive(10_000)) as MapMessage;
    expect(m).toBeInstanceOf(MapMessage);
    expect(m.getLong('big')).toBe(9007199254740993n);
    expect([...m.getBytes('raw')!]).toEqual([0, 255]);
    const st = (await consumer.receive(10_000)) as StreamMessage;
    expect(st).toBeInstanceOf(StreamMessage);
    expect([st.readInt(), st.readString()]).toEqual([5, 'x']);
    const o = (await consumer.receive(10_000)) as ObjectMessage;
    expect(o).toBeInstanceOf(ObjectMessage);
    expect(o.getObject()).toEqual({ sku: 'A-1' });
  });

  it('JMS 2.0 §6.2.7: a rolled-back send is never delivered, a rolled-back receive comes back redelivered, commit makes both final', async () => {
    const connection = await connect();
    const tx = await connection.createSession(true, Session.SESSION_TRANSACTED);
    const plain = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const name = `interop.rabbit.tx.${run_id}`;
    const producer = tx.createProducer(tx.createQueue(name));
    const consumer = await tx.createConsumer(tx.createQueue(name));
    await connection.start();

    await producer.send(tx.createTextMessage('rolled back'));
    await tx.rollback();
    await producer.send(tx.createTextMessage('committed'));
    await tx.commit();

    const first = (await consumer.receive(10_000)) as TextMessage;
    expect(first.getText()).toBe('committed');
    await tx.rollback();
    const again = (await consumer.receive(10_000)) as TextMessage;
    expect(again.getText()).toBe('committed');
    expect(again.getJMSRedelivered()).toBe(true);
    await tx.commit();

    // Whatever comes next after the commit must be the marker: neither message is left on the queue.
    await plain.createProducer(plain.createQueue(name)).send(plain.createTextMessage('marker'));
    const next = (await consumer.receive(10_000)) as TextMessage;
    expect(next.getText()).toBe('marker');
    await tx.commit();
  });

  it('JMS 2.0 §6.3: a durable subscriber gets what was published while it was offline; unsubscribe is refused with NOT_SUPPORTED', async () => {
    const topicName = `interop.rabbit.prices.${run_id}`;
    const subscription = `feed-${run_id}`;
    const publisherConnection = await connect();
    const ps = await publisherConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const publisher = ps.createProducer(ps.createTopic(topicName));

    const first = await connect();
    first.setClientID(`durable-${run_id}`);
    const s1 = await first.createSession(false, Session.AUTO_ACKNOWLEDGE);
    await s1.createDurableSubscriber(s1.createTopic(topicName), subscription);
    await first.close();
    await publisher.send(ps.createTextMessage('offline 1'));
    await publisher.send(ps.createTextMessage('offline 2'));

    const second = await connect();
    second.setClientID(`durable-${run_id}`);
    const s2 = await second.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const back = await s2.createDurableSubscriber(s2.createTopic(topicName), subscription);
    await second.start();
    expect(((await back.receive(10_000)) as TextMessage).getText()).toBe('offline 1');
    expect(((await back.receive(10_000)) as TextMessage).getText()).toBe('offline 2');
    await back.close();
    // RabbitMQ deletes a durable subscription only while it is open (JMS wants it closed first).
    await expect(s2.unsubscribe(subscription)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('RabbitMQ STOMP prefetch-count: a consumer holding `prefetch` unacknowledged messages is sent no more; the next goes to another consumer', async () => {
    const name = `interop.rabbit.prefetch.${run_id}`;
    const slow = await new ConnectionFactory(`tcp://127.0.0.1:${STOMP_PORT}`, {
      heartBeat: { outgoing: 0, incoming: 0 },
      virtualHost: '/',
      prefetch: 1,
    }).createConnection('guest', 'guest');
    connections.push(slow);
    const slowSession = await slow.createSession(false, Session.CLIENT_ACKNOWLEDGE);
    const slowConsumer = await slowSession.createConsumer(slowSession.createQueue(name));
    await slow.start();
    const other = await connect();
    const otherSession = await other.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const producer = otherSession.createProducer(otherSession.createQueue(name));
    await producer.send(otherSession.createTextMessage('one'));
    await producer.send(otherSession.createTextMessage('two'));
    // The slow consumer takes one and does not acknowledge it; without prefetch-count RabbitMQ
    // would already have pushed both to it.
    expect(((await slowConsumer.receive(10_000)) as TextMessage).getText()).toBe('one');
    const otherConsumer = await otherSession.createConsumer(otherSession.createQueue(name));
    await other.start();
    expect(((await otherConsumer.receive(10_000)) as TextMessage).getText()).toBe('two');
  });

  it('RabbitMQ STOMP has no JMS selectors or queue browsers: both fail with NOT_SUPPORTED instead of delivering or consuming everything', async () => {
    const connection = await connect();
    const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    const queue = session.createQueue(`interop.rabbit.selector.${run_id}`);
    const producer = session.createProducer(queue);
    await producer.send(session.createTextMessage('kept'));
    await expect(session.createConsumer(queue, "region = 'EU'")).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    const browser = await session.createBrowser(queue);
    await expect(browser.getEnumeration().next()).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    // Neither attempt took the message off the queue.
    const consumer = await session.createConsumer(queue);
    await connection.start();
    expect(((await consumer.receive(10_000)) as TextMessage).getText()).toBe('kept');
  });
});
