import { describe, expect, it } from 'vitest';
import {
  Connection,
  IllegalStateException,
  InvalidSelectorException,
  JMSException,
  QueueRequestor,
  Session,
  TemporaryQueue,
} from '../src/index.js';
import { eventually, factory, sharedBroker, text, unique, within } from './support/broker.js';

const b = sharedBroker();

async function open(): Promise<{ connection: Connection; session: Session }> {
  const connection = await factory(b.tcpUrl).createConnection();
  const session = await connection.createSession();
  return { connection, session };
}

describe('asynchronous delivery', () => {
  it('JMS 2.0 §8.7: a message listener receives messages in order, one at a time', async () => {
    const { connection, session } = await open();
    try {
      const queue = session.createQueue(unique('listener'));
      const consumer = await session.createConsumer(queue);
      const got: string[] = [];
      let running = 0;
      let overlapped = false;
      const all = within<void>(5000, 'three messages', (done) => {
        consumer.setMessageListener(async (m) => {
          running++;
          if (running > 1) overlapped = true;
          await new Promise((r) => setTimeout(r, 5));
          got.push(text(m)!);
          running--;
          if (got.length === 3) done();
        });
      });
      await connection.start();
      const producer = session.createProducer(queue);
      for (const t of ['1', '2', '3']) await producer.send(session.createTextMessage(t));
      await all;
      expect(got).toEqual(['1', '2', '3']);
      expect(overlapped).toBe(false);
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §8.7: a listener that throws in AUTO_ACKNOWLEDGE gets the message again, marked redelivered', async () => {
    const { connection, session } = await open();
    try {
      const queue = session.createQueue(unique('listener-throws'));
      const consumer = await session.createConsumer(queue);
      const deliveries: { redelivered: boolean; count: number }[] = [];
      const second = within<void>(5000, 'the redelivery', (done) => {
        consumer.setMessageListener((m) => {
          deliveries.push({ redelivered: m.getJMSRedelivered(), count: m.getIntProperty('JMSXDeliveryCount') });
          if (deliveries.length === 1) throw new Error('listener failure');
          done();
        });
      });
      await connection.start();
      await session.createProducer(queue).send(session.createTextMessage('x'));
      await second;
      expect(deliveries).toEqual([
        { redelivered: false, count: 1 },
        { redelivered: true, count: 2 },
      ]);
    } finally {
      await connection.close();
    }
  });

  it('consumers are async iterables that end when the consumer closes', async () => {
    const { connection, session } = await open();
    try {
      const queue = session.createQueue(unique('iterate'));
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const producer = session.createProducer(queue);
      for (const t of ['a', 'b', 'c']) await producer.send(session.createTextMessage(t));
      const seen: string[] = [];
      for await (const m of consumer) {
        seen.push(text(m)!);
        if (seen.length === 3) void consumer.close();
      }
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §6.1.5: nothing is delivered while the connection is stopped; start() resumes delivery', async () => {
    const { connection, session } = await open();
    try {
      const queue = session.createQueue(unique('stopped'));
      const consumer = await session.createConsumer(queue);
      await session.createProducer(queue).send(session.createTextMessage('waiting'));
      expect(await consumer.receive(300)).toBeNull();
      expect(await consumer.receiveNoWait()).toBeNull();
      const pending = consumer.receive(5000);
      await connection.start();
      expect(text(await pending)).toBe('waiting');
      await connection.stop();
      await session.createProducer(queue).send(session.createTextMessage('later'));
      let listened: string | null = null;
      consumer.setMessageListener((m) => {
        listened = text(m);
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(listened).toBeNull();
      const heard = within<string>(5000, 'the listener after start', (done) => {
        consumer.setMessageListener((m) => done(text(m)!));
      });
      await connection.start();
      expect(await heard).toBe('later');
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §8.2: receive(timeout) returns null when no message comes; receiveNoWait returns null at once', async () => {
    const { connection, session } = await open();
    try {
      const consumer = await session.createConsumer(session.createQueue(unique('empty')));
      await connection.start();
      expect(await consumer.receive(100)).toBeNull();
      expect(await consumer.receiveNoWait()).toBeNull();
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §8.2: closing a consumer ends a pending receive with null', async () => {
    const { connection, session } = await open();
    try {
      const consumer = await session.createConsumer(session.createQueue(unique('close-receive')));
      await connection.start();
      const pending = consumer.receive();
      await consumer.close();
      expect(await pending).toBeNull();
    } finally {
      await connection.close();
    }
  });
});

describe('flow control', () => {
  it('ActiveMQ prefetch: a consumer that does not keep up holds at most `prefetch` messages; the rest wait in the broker', async () => {
    const connection = await factory(b.tcpUrl, { prefetch: 5 }).createConnection();
    try {
      const session = await connection.createSession();
      const name = unique('slow');
      const queue = session.createQueue(name);
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const producer = session.createProducer(queue);
      for (let i = 0; i < 20; i++) await producer.send(session.createTextMessage(String(i)));
      const stats = () => b.broker.stats().destinations.find((d) => d.destination === `/queue/${name}`);
      await eventually(5000, 'the broker to stop at the prefetch', () => stats()?.inflight === 5 && stats()?.depth === 15);
      const got: string[] = [];
      for (let i = 0; i < 20; i++) got.push(text(await consumer.receive(5000))!);
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    } finally {
      await connection.close();
    }
  });
});

describe('request/reply', () => {
  it('JMS 2.0 §4.4.15: QueueRequestor sends with JMSReplyTo on a temporary queue and returns the reply', async () => {
    const { connection, session } = await open();
    try {
      const service = session.createQueue(unique('service'));
      const serverSession = await connection.createSession();
      const requests = await serverSession.createConsumer(service);
      const replier = serverSession.createProducer(null);
      requests.setMessageListener(async (request) => {
        const reply = serverSession.createTextMessage(`echo ${text(request)}`);
        reply.setJMSCorrelationID(request.getJMSCorrelationID());
        await replier.send(request.getJMSReplyTo()!, reply);
      });
      await connection.start();
      const requestor = new QueueRequestor(session, service);
      const request = session.createTextMessage('ping');
      const reply = await requestor.request(request, 5000);
      expect(request.getJMSReplyTo()).toBeInstanceOf(TemporaryQueue);
      expect(request.getJMSReplyTo()!.stompName).toMatch(/^\/temp-queue\//);
      expect(text(reply)).toBe('echo ping');
      expect(reply!.getJMSCorrelationID()).toBe(request.getJMSCorrelationID());
      expect(text(await requestor.request(session.createTextMessage('again'), 5000))).toBe('echo again');
      await requestor.close();
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §4.4.3: a temporary queue with a consumer cannot be deleted; without one it can', async () => {
    const { connection, session } = await open();
    try {
      const temp = await session.createTemporaryQueue();
      const consumer = await session.createConsumer(temp);
      await expect(temp.delete()).rejects.toBeInstanceOf(IllegalStateException);
      await consumer.close();
      await temp.delete();
    } finally {
      await connection.close();
    }
  });
});

describe('closed objects and misuse', () => {
  it('JMS 2.0 §6.1.8: a closed connection, session, producer or consumer throws IllegalStateException', async () => {
    const { connection, session } = await open();
    const queue = session.createQueue(unique('closed'));
    const producer = session.createProducer(queue);
    const consumer = await session.createConsumer(queue);
    await consumer.close();
    await expect(consumer.receive(10)).rejects.toBeInstanceOf(IllegalStateException);
    await producer.close();
    await expect(producer.send(session.createTextMessage('x'))).rejects.toBeInstanceOf(IllegalStateException);
    const other = await connection.createSession();
    await other.close();
    expect(() => other.createProducer(queue)).toThrow(IllegalStateException);
    await expect(other.createConsumer(queue)).rejects.toBeInstanceOf(IllegalStateException);
    await connection.close();
    await connection.close(); // closing twice is harmless
    await expect(connection.createSession()).rejects.toBeInstanceOf(IllegalStateException);
    expect(() => session.createTextMessage('x')).toThrow(IllegalStateException);
    await expect(connection.start()).rejects.toBeInstanceOf(IllegalStateException);
  });

  it('JMS 2.0 §6.1.4: getMetaData names the JMS version, the provider and the negotiated STOMP version', async () => {
    const connection = await factory(b.tcpUrl, { login: 'someone', passcode: 'x', virtualHost: 'localhost' }).createConnection();
    try {
      const meta = await connection.getMetaData();
      expect(meta).toMatchObject({ JMSVersion: '2.0', JMSMajorVersion: 2, JMSProviderName: 'tsmq', stompVersion: '1.2' });
      expect(meta.JMSXPropertyNames).toEqual(['JMSXDeliveryCount', 'JMSXGroupID', 'JMSXGroupSeq']);
      expect(meta.server.length).toBeGreaterThan(0);
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §6.1.2: setClientID after the connection was used throws IllegalStateException', async () => {
    const connection = await factory(b.tcpUrl).createConnection();
    try {
      connection.setClientID(unique('client'));
      await connection.createSession();
      expect(() => connection.setClientID('another')).toThrow(IllegalStateException);
    } finally {
      await connection.close();
    }
    const administered = await factory(b.tcpUrl, { clientID: unique('admin') }).createConnection();
    try {
      expect(() => administered.setClientID('mine')).toThrow(IllegalStateException);
    } finally {
      await administered.close();
    }
  });

  it('JMS 2.0 §6.3: a durable subscription without a client ID throws IllegalStateException', async () => {
    const { connection, session } = await open();
    try {
      await expect(session.createDurableSubscriber(session.createTopic('t'), 'sub')).rejects.toBeInstanceOf(
        IllegalStateException,
      );
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §3.8: an invalid selector throws InvalidSelectorException and the connection stays usable', async () => {
    const { connection, session } = await open();
    try {
      const queue = session.createQueue(unique('selector'));
      await expect(session.createConsumer(queue, 'price >>> 3')).rejects.toBeInstanceOf(InvalidSelectorException);
      const consumer = await session.createConsumer(queue);
      await connection.start();
      await session.createProducer(queue).send(session.createTextMessage('still fine'));
      expect(text(await consumer.receive(5000))).toBe('still fine');
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §8.3: shared subscriptions are refused with a JMSException, not silently ignored', async () => {
    const { connection, session } = await open();
    try {
      await expect(session.createSharedConsumer(session.createTopic('t'), 's')).rejects.toSatisfy(
        (e: unknown) => e instanceof JMSException && e.code === 'NOT_SUPPORTED',
      );
    } finally {
      await connection.close();
    }
  });
});
