import { describe, expect, it } from 'vitest';
import {
  BytesMessage,
  Connection,
  DeliveryMode,
  MapMessage,
  Message,
  ObjectMessage,
  Session,
  StreamMessage,
  TextMessage,
  type MessageConsumer,
} from '../src/index.js';
import { factory, sharedBroker, unique } from './support/broker.js';

const b = sharedBroker();

function typedProperties<T extends Message>(m: T): T {
  m.setBooleanProperty('pBool', false);
  m.setByteProperty('pByte', 127);
  m.setShortProperty('pShort', -32768);
  m.setIntProperty('pInt', 2147483647);
  m.setLongProperty('pLong', 9223372036854775807n);
  m.setFloatProperty('pFloat', 0.1);
  m.setDoubleProperty('pDouble', 0.1);
  m.setDoubleProperty('pInf', -Infinity);
  m.setStringProperty('pString', 'colon: newline\n backslash\\ é');
  m.setStringProperty('pDigits', '0042');
  m.setStringProperty('JMSXGroupID', 'g1');
  m.setIntProperty('JMSXGroupSeq', 1);
  return m;
}

function expectTypedProperties(m: Message): void {
  expect(m.getObjectProperty('pBool')).toBe(false);
  expect(m.getPropertyType('pByte')).toBe('byte');
  expect(m.getByteProperty('pByte')).toBe(127);
  expect(m.getPropertyType('pShort')).toBe('short');
  expect(m.getShortProperty('pShort')).toBe(-32768);
  expect(m.getPropertyType('pInt')).toBe('int');
  expect(m.getIntProperty('pInt')).toBe(2147483647);
  expect(m.getObjectProperty('pLong')).toBe(9223372036854775807n);
  expect(m.getPropertyType('pFloat')).toBe('float');
  expect(m.getFloatProperty('pFloat')).toBe(Math.fround(0.1));
  expect(m.getPropertyType('pDouble')).toBe('double');
  expect(m.getDoubleProperty('pDouble')).toBe(0.1);
  expect(m.getDoubleProperty('pInf')).toBe(-Infinity);
  expect(m.getStringProperty('pString')).toBe('colon: newline\n backslash\\ é');
  expect(m.getObjectProperty('pDigits')).toBe('0042');
  expect(m.getStringProperty('JMSXGroupID')).toBe('g1');
  expect(m.getIntProperty('JMSXGroupSeq')).toBe(1);
}

async function withConnection<T>(url: string, run: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await factory(url).createConnection();
  try {
    return await run(connection);
  } finally {
    await connection.close();
  }
}

describe.each(['tcp', 'ws'] as const)('through the broker over %s', (transport) => {
  const url = () => (transport === 'tcp' ? b.tcpUrl : b.wsUrl);

  it('JMS 2.0 §3.11: every message type and every typed property round-trips exactly', async () => {
    await withConnection(url(), async (connection) => {
      const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const queue = session.createQueue(unique('types'));
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const producer = session.createProducer(queue);

      const bytes = session.createBytesMessage();
      bytes.writeUTF('héllo');
      bytes.writeLong(-1n);
      bytes.writeBytes(new Uint8Array([0, 0, 255]));
      const map = session.createMapMessage();
      map.setLong('long', 2n ** 62n + 1n);
      map.setFloat('float', 1.1);
      map.setBytes('bytes', new Uint8Array([1, 0, 2]));
      map.setChar('char', 'x');
      const stream = session.createStreamMessage();
      stream.writeShort(-2);
      stream.writeBytes(new Uint8Array([7]));
      stream.writeObject(null);
      const sent: Message[] = [
        session.createMessage(),
        session.createTextMessage('text ✓ with \u0000 NUL'),
        bytes,
        map,
        stream,
        session.createObjectMessage({ nested: { list: [1, 'two', null] } }),
      ];
      for (const m of sent) await producer.send(typedProperties(m));

      const received: Message[] = [];
      for (let i = 0; i < sent.length; i++) {
        const m = await consumer.receive(5000);
        expect(m, `message ${i}`).not.toBeNull();
        received.push(m!);
      }
      for (const m of received) expectTypedProperties(m);
      expect(received[0]!.kind).toBe('message');
      expect((received[1] as TextMessage).getText()).toBe('text ✓ with \u0000 NUL');
      const rb = received[2] as BytesMessage;
      expect(rb).toBeInstanceOf(BytesMessage);
      expect(rb.readUTF()).toBe('héllo');
      expect(rb.readLong()).toBe(-1n);
      const tail = new Uint8Array(3);
      expect(rb.readBytes(tail)).toBe(3);
      expect([...tail]).toEqual([0, 0, 255]);
      const rm = received[3] as MapMessage;
      expect(rm).toBeInstanceOf(MapMessage);
      expect(rm.getLong('long')).toBe(2n ** 62n + 1n);
      expect(rm.getType('float')).toBe('float');
      expect(rm.getFloat('float')).toBe(Math.fround(1.1));
      expect([...rm.getBytes('bytes')!]).toEqual([1, 0, 2]);
      expect(rm.getChar('char')).toBe('x');
      const rs = received[4] as StreamMessage;
      expect(rs).toBeInstanceOf(StreamMessage);
      expect(rs.readObject()).toBe(-2);
      expect([...(rs.readObject() as Uint8Array)]).toEqual([7]);
      expect(rs.readObject()).toBeNull();
      expect((received[5] as ObjectMessage).getObject()).toEqual({ nested: { list: [1, 'two', null] } });
    });
  });

  it('a 3 MiB BytesMessage arrives byte for byte', async () => {
    await withConnection(url(), async (connection) => {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('large'));
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const payload = new Uint8Array(3 * 1024 * 1024);
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
      const m = session.createBytesMessage();
      m.writeBytes(payload);
      await session.createProducer(queue).send(m);
      const r = (await consumer.receive(10_000)) as BytesMessage;
      expect(r.getBodyLength()).toBe(payload.length);
      expect(Buffer.compare(r.getBody(), payload)).toBe(0);
    });
  });

  it('JMS 2.0 §3.4: header fields set by the producer arrive at the consumer', async () => {
    await withConnection(url(), async (connection) => {
      const session = await connection.createSession();
      const queue = session.createQueue(unique('headers'));
      const replyTo = session.createTopic('replies');
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const m = session.createTextMessage('h');
      m.setJMSCorrelationID('c-1');
      m.setJMSReplyTo(replyTo);
      m.setJMSType('Kind');
      const before = Date.now();
      await session.createProducer(queue).send(m, DeliveryMode.NON_PERSISTENT, 6, 60_000);
      expect(m.getJMSMessageID()).toMatch(/^ID:/);
      const r = (await consumer.receive(5000))!;
      // JMS 2.0 §3.4.3: send() sets JMSMessageID, and the consumer sees that same id (request/reply
      // services correlate on it).
      expect(r.getJMSMessageID()).toBe(m.getJMSMessageID());
      expect(r.getJMSDestination()?.equals(queue)).toBe(true);
      expect(r.getJMSCorrelationID()).toBe('c-1');
      expect(r.getJMSReplyTo()?.equals(replyTo)).toBe(true);
      expect(r.getJMSType()).toBe('Kind');
      expect(r.getJMSDeliveryMode()).toBe(DeliveryMode.NON_PERSISTENT);
      expect(r.getJMSPriority()).toBe(6);
      expect(r.getJMSTimestamp()).toBeGreaterThanOrEqual(before);
      expect(r.getJMSExpiration()).toBe(r.getJMSTimestamp() + 60_000);
      expect(r.getJMSRedelivered()).toBe(false);
      expect(r.getIntProperty('JMSXDeliveryCount')).toBe(1);
    });
  });
});

describe('forwarding', () => {
  it('JMS 2.0 §3.10: a received message can be sent on unchanged, properties and body included', async () => {
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const inbox = session.createQueue(unique('forward.in'));
      const outbox = session.createQueue(unique('forward.out'));
      const fromInbox = await session.createConsumer(inbox);
      const fromOutbox = await session.createConsumer(outbox);
      await c.start();
      await session.createProducer(inbox).send(typedProperties(session.createTextMessage('pass it on')));
      const received = (await fromInbox.receive(5000))!;
      await session.createProducer(outbox).send(received);
      const forwarded = (await fromOutbox.receive(5000)) as TextMessage;
      expect(forwarded.getText()).toBe('pass it on');
      expectTypedProperties(forwarded);
      expect(forwarded.getIntProperty('JMSXDeliveryCount')).toBe(1);
    });
  });
});

async function drain(consumer: MessageConsumer): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const m = await consumer.receive(300);
    if (m === null) return texts;
    texts.push((m as TextMessage).getText()!);
  }
}

async function sendTexts(connection: Connection, queueName: string, texts: string[]): Promise<void> {
  const session = await connection.createSession();
  const producer = session.createProducer(session.createQueue(queueName));
  for (const t of texts) await producer.send(session.createTextMessage(t));
  await session.close();
}

describe('acknowledgement', () => {
  it('JMS 2.0 §6.2.10: AUTO_ACKNOWLEDGE acknowledges on receive, so a new consumer gets nothing again', async () => {
    const name = unique('auto');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a', 'b']);
      const session = await c.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect(await drain(consumer)).toEqual(['a', 'b']);
    });
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect(await consumer.receive(300)).toBeNull();
    });
  });

  it('JMS 2.0 §6.2.10: CLIENT_ACKNOWLEDGE acknowledge() acknowledges every message the session consumed', async () => {
    const name = unique('client');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a', 'b', 'c', 'd']);
      const session = await c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      const first = await consumer.receive(5000);
      await consumer.receive(5000);
      const third = await consumer.receive(5000);
      expect((third as TextMessage).getText()).toBe('c');
      // Acknowledging via an earlier message still covers everything consumed so far.
      await first!.acknowledge();
      await consumer.receive(5000); // 'd' consumed but never acknowledged
    });
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      const again = await drain(consumer);
      expect(again).toEqual(['d']);
    });
  });

  it('ActiveMQ INDIVIDUAL_ACKNOWLEDGE: acknowledge() acknowledges only that message', async () => {
    const name = unique('individual');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a', 'b', 'c']);
      const session = await c.createSession(Session.INDIVIDUAL_ACKNOWLEDGE);
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      await consumer.receive(5000);
      const b2 = await consumer.receive(5000);
      await consumer.receive(5000);
      await b2!.acknowledge();
    });
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect((await drain(consumer)).sort()).toEqual(['a', 'c']);
    });
  });

  it('JMS 2.0 §6.2.11: recover() redelivers unacknowledged messages with JMSRedelivered and a higher JMSXDeliveryCount', async () => {
    const name = unique('recover');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a']);
      const session = await c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      const first = (await consumer.receive(5000))!;
      expect(first.getJMSRedelivered()).toBe(false);
      expect(first.getIntProperty('JMSXDeliveryCount')).toBe(1);
      await session.recover();
      const again = (await consumer.receive(5000))!;
      expect((again as TextMessage).getText()).toBe('a');
      expect(again.getJMSRedelivered()).toBe(true);
      expect(again.getIntProperty('JMSXDeliveryCount')).toBe(2);
      await again.acknowledge();
    });
  });

  it('JMS 2.0 §6.2.11: after recover() delivery restarts with the oldest unacknowledged message, before prefetched ones', async () => {
    const name = unique('recover-order');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a', 'b', 'c']);
      const session = await c.createSession(Session.CLIENT_ACKNOWLEDGE);
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('a');
      expect(((await consumer.receive(5000)) as TextMessage).getText()).toBe('b');
      await session.recover();
      const order: string[] = [];
      const flags: boolean[] = [];
      for (let i = 0; i < 3; i++) {
        const m = (await consumer.receive(5000)) as TextMessage;
        order.push(m.getText()!);
        flags.push(m.getJMSRedelivered());
      }
      expect(order).toEqual(['a', 'b', 'c']);
      expect(flags).toEqual([true, true, false]);
      expect(await consumer.receive(200)).toBeNull();
    });
  });

  it('JMS 2.0 §6.2.7: commit makes transacted sends visible; rollback discards them', async () => {
    const name = unique('tx-send');
    await withConnection(b.tcpUrl, async (c) => {
      const tx = await c.createSession(true, Session.SESSION_TRANSACTED);
      expect(tx.getTransacted()).toBe(true);
      const producer = tx.createProducer(tx.createQueue(name));
      const plain = await c.createSession();
      const consumer = await plain.createConsumer(plain.createQueue(name));
      await c.start();
      await producer.send(tx.createTextMessage('rolled back'));
      await tx.rollback();
      await producer.send(tx.createTextMessage('committed'));
      expect(await consumer.receive(200)).toBeNull();
      await tx.commit();
      expect(await drain(consumer)).toEqual(['committed']);
    });
  });

  it('JMS 2.0 §6.2.7: rollback redelivers consumed messages with JMSRedelivered true and a higher JMSXDeliveryCount', async () => {
    const name = unique('tx-recv');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a']);
      const tx = await c.createSession(Session.SESSION_TRANSACTED);
      const consumer = await tx.createConsumer(tx.createQueue(name));
      await c.start();
      const first = (await consumer.receive(5000))!;
      expect(first.getJMSRedelivered()).toBe(false);
      await tx.rollback();
      const again = (await consumer.receive(5000))!;
      expect((again as TextMessage).getText()).toBe('a');
      expect(again.getJMSRedelivered()).toBe(true);
      expect(again.getIntProperty('JMSXDeliveryCount')).toBe(2);
      await tx.commit();
    });
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect(await consumer.receive(300)).toBeNull();
    });
  });

  it('JMS 2.0 §6.1.8: closing a connection rolls back its open transaction', async () => {
    const name = unique('tx-close');
    const sentName = unique('tx-close-sent');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['consumed, never committed']);
      const tx = await c.createSession(Session.SESSION_TRANSACTED);
      const consumer = await tx.createConsumer(tx.createQueue(name));
      await c.start();
      expect(await consumer.receive(5000)).not.toBeNull();
      await tx.createProducer(tx.createQueue(sentName)).send(tx.createTextMessage('never committed'));
    });
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const again = await session.createConsumer(session.createQueue(name));
      const sent = await session.createConsumer(session.createQueue(sentName));
      await c.start();
      const m = (await again.receive(5000)) as TextMessage;
      expect(m.getText()).toBe('consumed, never committed');
      expect(m.getJMSRedelivered()).toBe(true);
      expect(await sent.receive(200)).toBeNull();
    });
  });

  it('JMS 2.0 §6.2.10: DUPS_OK_ACKNOWLEDGE acknowledges (lazily) so a new consumer gets nothing again', async () => {
    const name = unique('dups');
    await withConnection(b.tcpUrl, async (c) => {
      await sendTexts(c, name, ['a', 'b']);
      const session = await c.createSession(Session.DUPS_OK_ACKNOWLEDGE);
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect(await drain(consumer)).toEqual(['a', 'b']);
      await session.close();
    });
    await withConnection(b.tcpUrl, async (c) => {
      const session = await c.createSession();
      const consumer = await session.createConsumer(session.createQueue(name));
      await c.start();
      expect(await consumer.receive(300)).toBeNull();
    });
  });
});
