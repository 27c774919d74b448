import { describe, expect, it } from 'vitest';
import { Session, TextMessage } from '../src/index.js';
import { factory, sharedBroker, unique, within } from './support/broker.js';

const b = sharedBroker();

describe.each(['1.0', '1.1'] as const)('STOMP %s brokers', (version) => {
  const connect = () => factory(b.tcpUrl, { stompVersions: [version] }).createConnection();

  it(`STOMP ${version} §ACK: CLIENT_ACKNOWLEDGE acknowledges with this version's ACK headers`, async () => {
    const name = unique(`v${version}.client`);
    const c1 = await connect();
    try {
      expect((await c1.getMetaData()).stompVersion).toBe(version);
      const session = await c1.createSession(Session.CLIENT_ACKNOWLEDGE);
      const queue = session.createQueue(name);
      const producer = session.createProducer(queue);
      for (const t of ['a', 'b']) await producer.send(session.createTextMessage(t));
      const consumer = await session.createConsumer(queue);
      await c1.start();
      const a = await consumer.receive(5000);
      await a!.acknowledge();
      await consumer.receive(5000); // 'b', never acknowledged
    } finally {
      await c1.close();
    }
    const c2 = await connect();
    try {
      const session = await c2.createSession();
      const consumer = await session.createConsumer(session.createQueue(name));
      await c2.start();
      const again = (await consumer.receive(5000)) as TextMessage;
      expect(again.getText()).toBe('b');
      expect(await consumer.receive(200)).toBeNull();
    } finally {
      await c2.close();
    }
  });

  it(`STOMP ${version}: transacted consumption commits and rolls back`, async () => {
    const c = await connect();
    try {
      const tx = await c.createSession(Session.SESSION_TRANSACTED);
      const queue = tx.createQueue(unique(`v${version}.tx`));
      await tx.createProducer(queue).send(tx.createTextMessage('x'));
      await tx.commit();
      const consumer = await tx.createConsumer(queue);
      await c.start();
      expect(await consumer.receive(5000)).not.toBeNull();
      await tx.rollback();
      const again = await consumer.receive(5000);
      expect(again?.getJMSRedelivered()).toBe(true);
      await tx.commit();
      expect(await consumer.receive(200)).toBeNull();
    } finally {
      await c.close();
    }
  });
});

describe('STOMP 1.1 NACK', () => {
  it('STOMP 1.1 §NACK: a listener failure is NACKed with subscription and message-id, and redelivered', async () => {
    const c = await factory(b.tcpUrl, { stompVersions: ['1.1'] }).createConnection();
    try {
      const session = await c.createSession();
      const queue = session.createQueue(unique('v1.1.nack'));
      const consumer = await session.createConsumer(queue);
      let attempts = 0;
      const redelivered = within<boolean>(5000, 'the redelivery', (done) => {
        consumer.setMessageListener((m) => {
          attempts++;
          if (attempts === 1) throw new Error('first attempt fails');
          done(m.getJMSRedelivered());
        });
      });
      await c.start();
      await session.createProducer(queue).send(session.createTextMessage('retry me'));
      expect(await redelivered).toBe(true);
    } finally {
      await c.close();
    }
  });
});
