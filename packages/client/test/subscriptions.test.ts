import { describe, expect, it } from 'vitest';
import {
  Connection,
  DeliveryMode,
  JMSContext,
  JMSException,
  TopicRequestor,
  type CompletionListener,
  type Message,
} from '../src/index.js';
import { factory, sharedBroker, text, unique, within } from './support/broker.js';

const b = sharedBroker();

async function connect(clientID?: string): Promise<Connection> {
  const connection = await factory(b.tcpUrl).createConnection();
  if (clientID !== undefined) connection.setClientID(clientID);
  return connection;
}

describe('selectors', () => {
  it('JMS 2.0 §3.8: a consumer with a selector gets only the messages whose typed properties match', async () => {
    const connection = await connect();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('selected'));
      const consumer = await session.createConsumer(queue, 'weight > 10 AND big = 9007199254740993');
      await connection.start();
      const producer = session.createProducer(queue);
      for (const [w, t] of [
        [5, 'light'],
        [12, 'heavy'],
      ] as const) {
        const m = session.createTextMessage(t);
        m.setIntProperty('weight', w);
        m.setLongProperty('big', 9007199254740993n);
        await producer.send(m);
      }
      expect(text(await consumer.receive(5000))).toBe('heavy');
      expect(await consumer.receive(200)).toBeNull();
    } finally {
      await connection.close();
    }
  });
});

describe('selectors on header fields', () => {
  it('JMS 2.0 §3.8.1.1: selectors can use JMSType, JMSPriority and JMSCorrelationID', async () => {
    const connection = await connect();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('header-selected'));
      const consumer = await session.createConsumer(queue, "JMSType = 'Order' AND JMSPriority >= 7 AND JMSCorrelationID LIKE 'c-%'");
      await connection.start();
      const producer = session.createProducer(queue);
      const send = async (type: string, priority: number, correlation: string, body: string) => {
        const m = session.createTextMessage(body);
        m.setJMSType(type);
        m.setJMSCorrelationID(correlation);
        await producer.send(m, DeliveryMode.PERSISTENT, priority, 0);
      };
      await send('Order', 4, 'c-1', 'low priority');
      await send('Invoice', 9, 'c-2', 'wrong type');
      await send('Order', 8, 'x-3', 'wrong correlation');
      await send('Order', 8, 'c-4', 'match');
      expect(text(await consumer.receive(5000))).toBe('match');
      expect(await consumer.receive(200)).toBeNull();
    } finally {
      await connection.close();
    }
  });
});

describe('durable subscriptions', () => {
  it('JMS 2.0 §6.3: a durable subscriber gets what was published while it was offline; unsubscribe deletes it', async () => {
    const clientID = unique('durable-client');
    const topicName = unique('news');
    let connection = await connect(clientID);
    let session = await connection.createSession();
    const topic = session.createTopic(topicName);
    const subscriber = await session.createDurableSubscriber(topic, 'reader');
    await subscriber.close();
    const publisher = await connect();
    const ps = await publisher.createSession();
    await ps.createProducer(ps.createTopic(topicName)).send(ps.createTextMessage('while offline'));
    await connection.close();

    connection = await connect(clientID);
    session = await connection.createSession();
    const again = await session.createDurableConsumer(session.createTopic(topicName), 'reader');
    await connection.start();
    expect(text(await again.receive(5000))).toBe('while offline');
    await again.close();
    await session.unsubscribe('reader');
    await ps.createProducer(ps.createTopic(topicName)).send(ps.createTextMessage('after unsubscribe'));
    const fresh = await session.createDurableConsumer(session.createTopic(topicName), 'reader');
    expect(await fresh.receive(300)).toBeNull();
    await connection.close();
    await publisher.close();
  });

  it('JMS 2.0 §6.11.1: unsubscribe while the durable subscription has an open consumer throws IllegalStateException', async () => {
    const connection = await connect(unique('busy-client'));
    try {
      const session = await connection.createSession();
      await session.createDurableSubscriber(session.createTopic(unique('t')), 'busy');
      await expect(session.unsubscribe('busy')).rejects.toMatchObject({ name: 'IllegalStateException' });
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §6.3: noLocal keeps a connection from receiving its own topic messages', async () => {
    const connection = await connect();
    const other = await connect();
    try {
      const session = await connection.createSession();
      const topic = session.createTopic(unique('chat'));
      const consumer = await session.createConsumer(topic, null, true);
      await connection.start();
      await session.createProducer(topic).send(session.createTextMessage('mine'));
      const os = await other.createSession();
      await os.createProducer(topic).send(os.createTextMessage('theirs'));
      expect(text(await consumer.receive(5000))).toBe('theirs');
      expect(await consumer.receive(200)).toBeNull();
    } finally {
      await connection.close();
      await other.close();
    }
  });
});

describe('queue browser', () => {
  it('JMS 2.0 §5.9: a QueueBrowser enumerates waiting messages without consuming them', async () => {
    const connection = await connect();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('browse'));
      const producer = session.createProducer(queue);
      for (const t of ['a', 'b']) await producer.send(session.createTextMessage(t));
      const browser = await session.createBrowser(queue);
      const seen: string[] = [];
      for await (const m of browser.getEnumeration()) seen.push(text(m)!);
      expect(seen).toEqual(['a', 'b']);
      const consumer = await session.createConsumer(queue);
      await connection.start();
      expect(text(await consumer.receive(5000))).toBe('a');
    } finally {
      await connection.close();
    }
  });
});

describe('queue browser with selector', () => {
  it('JMS 2.0 §5.9: a browser with a selector sees only matching messages; an empty queue ends at once', async () => {
    const connection = await connect();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('browse-selected'));
      const empty = await session.createBrowser(queue);
      const none: Message[] = [];
      for await (const m of empty.getEnumeration()) none.push(m);
      expect(none).toEqual([]);
      const producer = session.createProducer(queue);
      for (const [t, urgent] of [['x', false], ['y', true], ['z', true]] as const) {
        const m = session.createTextMessage(t);
        m.setBooleanProperty('urgent', urgent);
        await producer.send(m);
      }
      const browser = await session.createBrowser(queue, 'urgent = TRUE');
      expect(browser.getMessageSelector()).toBe('urgent = TRUE');
      const seen: string[] = [];
      for await (const m of browser.getEnumeration()) seen.push(text(m)!);
      expect(seen).toEqual(['y', 'z']);
      await browser.close();
    } finally {
      await connection.close();
    }
  });
});

describe('JMS 2.0 simplified API', () => {
  it('JMS 2.0 §2.8: JMSContext sends bodies and JMSConsumer.receiveBody returns them', async () => {
    const context = await factory(b.tcpUrl).createContext();
    try {
      const queue = context.createQueue(unique('ctx'));
      const consumer = await context.createConsumer(queue);
      const producer = context.createProducer().setProperty('tenant', 'acme').setPriority(7);
      await producer.send(queue, 'plain text');
      await producer.send(queue, new Uint8Array([1, 2]));
      await producer.send(queue, { qty: 3, sku: 'x' });
      expect(await consumer.receiveBody<string>(5000)).toBe('plain text');
      expect([...(await consumer.receiveBody<Uint8Array>(5000))!]).toEqual([1, 2]);
      expect(await consumer.receiveBody(5000)).toEqual({ qty: 3, sku: 'x' });
      await producer.send(queue, 'with props');
      const m = (await consumer.receive(5000))!;
      expect(m.getStringProperty('tenant')).toBe('acme');
      expect(m.getJMSPriority()).toBe(7);
    } finally {
      await context.close();
    }
  });

  it('JMS 2.0 JMSConsumer.receiveBody: a message whose body cannot be returned throws and stays unacknowledged', async () => {
    const context = await factory(b.tcpUrl).createContext();
    try {
      const queue = context.createQueue(unique('ctx-stream'));
      const consumer = await context.createConsumer(queue);
      const stream = context.createStreamMessage();
      stream.writeInt(1);
      await context.createProducer().send(queue, stream);
      await expect(consumer.receiveBody(5000)).rejects.toMatchObject({ name: 'MessageFormatException' });
      const again = await consumer.receive(5000);
      expect(again?.kind).toBe('stream');
    } finally {
      await context.close();
    }
  });

  it('JMS 2.0 §7.3: an asynchronous send reports to its CompletionListener', async () => {
    const connection = await factory(b.tcpUrl, { maxFrameSize: 1000 }).createConnection();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('async-send'));
      const message = session.createTextMessage('async');
      const completed = within<Message>(5000, 'onCompletion', (done) => {
        const listener: CompletionListener = {
          onCompletion: (m) => done(m),
          onException: () => undefined,
        };
        void session.createProducer(queue).send(message, listener);
      });
      expect(await completed).toBe(message);
      const failed = within<JMSException>(5000, 'onException', (done) => {
        const tooBig = session.createBytesMessage();
        tooBig.writeBytes(new Uint8Array(1001));
        void session.createProducer(queue).send(tooBig, { onCompletion: () => undefined, onException: (_m, e) => done(e) });
      });
      expect((await failed).code).toBe('FRAME_TOO_LARGE');
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §4.4.15: TopicRequestor gets the reply through a temporary topic', async () => {
    const connection = await connect();
    try {
      const session = await connection.createSession();
      const topic = session.createTopic(unique('rpc'));
      const service = await connection.createSession();
      const requests = await service.createConsumer(topic);
      requests.setMessageListener(async (m) => {
        const reply = service.createTextMessage(`re: ${text(m)}`);
        reply.setJMSCorrelationID(m.getJMSCorrelationID());
        await service.createProducer(m.getJMSReplyTo()).send(reply, DeliveryMode.NON_PERSISTENT, 4, 0);
      });
      await connection.start();
      const requestor = new TopicRequestor(session, topic);
      expect(text(await requestor.request(session.createTextMessage('hi'), 5000))).toBe('re: hi');
      await requestor.close();
    } finally {
      await connection.close();
    }
  });

  it('JMS 2.0 §7.9: setDeliveryDelay holds the message back', async () => {
    const connection = await connect();
    try {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('delayed'));
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const producer = session.createProducer(queue);
      producer.setDeliveryDelay(1500);
      await producer.send(session.createTextMessage('later'));
      expect(await consumer.receive(200)).toBeNull();
      const m = (await consumer.receive(10_000))!;
      expect(m.getJMSDeliveryTime()).toBe(m.getJMSTimestamp() + 1500);
    } finally {
      await connection.close();
    }
  });
});

export const contextConstants = JMSContext.AUTO_ACKNOWLEDGE;
