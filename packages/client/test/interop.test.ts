import { Client, type IMessage } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BytesMessage, TextMessage, type Message } from '../src/index.js';
import { factory, sharedBroker, within } from './support/broker.js';

const b = sharedBroker();
let stomp: Client;
beforeAll(async () => {
  stomp = new Client({
    webSocketFactory: () => new WebSocket(b.wsUrl, ['v12.stomp']),
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    debug: () => undefined,
  });
  await within<void>(5000, 'stompjs CONNECTED', (done) => {
    stomp.onConnect = () => done();
    stomp.activate();
  });
});
afterAll(async () => {
  await stomp?.deactivate();
});

describe('interoperability with a plain STOMP client (@stomp/stompjs)', () => {
  it('ActiveMQ STOMP: a text with a textual content-type and untyped headers reads as a TextMessage with String properties', async () => {
    const connection = await factory(b.tcpUrl).createConnection();
    try {
      const session = await connection.createSession();
      const consumer = await session.createConsumer(session.createQueue('interop.in'));
      await connection.start();
      stomp.publish({
        destination: '/queue/interop.in',
        body: 'from stompjs',
        headers: { 'content-type': 'text/plain', weight: '12' },
      });
      const m = (await consumer.receive(5000)) as Message;
      expect(m).toBeInstanceOf(TextMessage);
      expect((m as TextMessage).getText()).toBe('from stompjs');
      expect(m.getPropertyType('weight')).toBe('string');
      expect(m.getIntProperty('weight')).toBe(12); // JMS 2.0 §3.5.4: String converts to int
      stomp.publish({ destination: '/queue/interop.in', binaryBody: new Uint8Array([0, 1, 2]) });
      const bytes = (await consumer.receive(5000)) as BytesMessage;
      expect(bytes).toBeInstanceOf(BytesMessage);
      expect([...bytes.getBody()]).toEqual([0, 1, 2]);
    } finally {
      await connection.close();
    }
  });

  it('ActiveMQ STOMP: a plain STOMP client reads our TextMessage body and typed properties as headers', async () => {
    const received = within<IMessage>(5000, 'the stompjs MESSAGE', (done) => {
      stomp.subscribe('/queue/interop.out', (m) => done(m));
    });
    const connection = await factory(b.tcpUrl).createConnection();
    try {
      const session = await connection.createSession();
      const m = session.createTextMessage('to stompjs ✓');
      m.setLongProperty('orderId', 9007199254740993n);
      m.setStringProperty('kind', 'greeting');
      await session.createProducer(session.createQueue('interop.out')).send(m);
      const got = await received;
      expect(got.body).toBe('to stompjs ✓');
      expect(got.headers['orderId']).toBe('9007199254740993');
      expect(got.headers['kind']).toBe('greeting');
      expect(got.headers['jms-prop-types']).toBe('orderId=long');
      expect(got.headers['amq-msg-type']).toBe('text');
    } finally {
      await connection.close();
    }
  });
});
