import { describe, expect, it } from 'vitest';
import { MemoryMessageStore } from '../src/index.js';
import { sharedBroker, startBroker } from './helpers/broker.js';
import { type RawStompClient, text } from './helpers/raw-client.js';

const store = new MemoryMessageStore();
const tb = sharedBroker({ store });

const as = (clientId: string) => tb.client({ 'accept-version': '1.2', host: 'localhost', 'client-id': clientId });

async function publish(topic: string, bodies: string[], headers: Record<string, string> = {}): Promise<void> {
  const p = await tb.client();
  for (const [i, b] of bodies.entries()) p.send('SEND', { destination: topic, receipt: `r${i}`, ...headers }, b);
  for (let i = 0; i < bodies.length; i++) await p.next('RECEIPT');
}

async function subscribeDurable(c: RawStompClient, topic: string, name: string, extra: Record<string, string> = {}) {
  c.send('SUBSCRIBE', { destination: topic, id: name, 'activemq.subscriptionName': name, receipt: `sub-${name}`, ...extra });
  await c.next('RECEIPT');
}

describe('durable topic subscriptions', () => {
  it('JMS 1.1 §6.11.1 durable subscriptions: messages published while the subscriber is offline are delivered when it returns', async () => {
    const first = await as('app-1');
    await subscribeDurable(first, '/topic/prices', 'ticker');
    await publish('/topic/prices', ['online']);
    expect(text(await first.next('MESSAGE'))).toBe('online');
    first.send('DISCONNECT', { receipt: 'bye' });
    await first.next('RECEIPT');
    await publish('/topic/prices', ['offline-1', 'offline-2'], { persistent: 'true' });
    expect(store.count('durable:app-1:ticker')).toBe(2);
    const again = await as('app-1');
    await subscribeDurable(again, '/topic/prices', 'ticker');
    expect([text(await again.next('MESSAGE')), text(await again.next('MESSAGE'))]).toEqual(['offline-1', 'offline-2']);
  });

  it('JMS 1.1 §6.11.1: UNSUBSCRIBE naming the durable subscription deletes it and its messages', async () => {
    const c = await as('app-2');
    await subscribeDurable(c, '/topic/news', 'reader');
    c.send('UNSUBSCRIBE', { id: 'reader', receipt: 'off' });
    await c.next('RECEIPT');
    await publish('/topic/news', ['kept'], { persistent: 'true' });
    expect(store.count('durable:app-2:reader')).toBe(1);
    c.send('UNSUBSCRIBE', { 'activemq.subscriptionName': 'reader', receipt: 'gone' });
    await c.next('RECEIPT');
    expect(store.count('durable:app-2:reader')).toBe(0);
    await publish('/topic/news', ['after']);
    await subscribeDurable(c, '/topic/news', 'reader');
    expect(await c.barrier()).toEqual([]);
  });

  it('JMS 1.1 §6.11.1: a durable subscription has at most one active consumer', async () => {
    const a = await as('app-3');
    await subscribeDurable(a, '/topic/orders', 'only');
    // A second connection cannot share the client id, so the second consumer is on the same one.
    a.send('SUBSCRIBE', { destination: '/topic/orders', id: 'x', 'activemq.subscriptionName': 'only' });
    expect((await a.next('ERROR')).headers.code).toBe('DURABLE_SUBSCRIPTION_IN_USE');
  });

  it('JMS 1.1 §6.11.1: a durable subscription needs a client id', async () => {
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: '/topic/orders', id: 'x', 'activemq.subscriptionName': 'anon' });
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('MISSING_HEADER');
    expect(e.headers.message).toContain('client-id');
  });

  it('JMS 1.1 §3.8.1: a durable subscription stores only the messages its selector selects', async () => {
    const c = await as('app-4');
    await subscribeDurable(c, '/topic/alerts', 'severe', { selector: "level = 'high'" });
    c.send('UNSUBSCRIBE', { id: 'severe', receipt: 'off' });
    await c.next('RECEIPT');
    const p = await tb.client();
    p.send('SEND', { destination: '/topic/alerts', level: 'low', persistent: 'true' }, 'low');
    p.send('SEND', { destination: '/topic/alerts', level: 'high', persistent: 'true', receipt: 'r' }, 'high');
    await p.next('RECEIPT');
    expect(store.count('durable:app-4:severe')).toBe(1);
  });
});

describe('durable subscriptions across a restart', () => {
  it('JMS 1.1 §6.11.1: a durable subscription and its stored messages survive a broker restart', async () => {
    const shared = new MemoryMessageStore();
    const first = await startBroker({ store: shared });
    const c = await first.client({ 'accept-version': '1.2', host: 'localhost', 'client-id': 'svc' });
    c.send('SUBSCRIBE', { destination: '/topic/audit', id: 'a', 'activemq.subscriptionName': 'audit', receipt: 's' });
    await c.next('RECEIPT');
    c.send('UNSUBSCRIBE', { id: 'a', receipt: 'u' });
    await c.next('RECEIPT');
    c.send('SEND', { destination: '/topic/audit', persistent: 'true', receipt: 'p' }, 'entry');
    await c.next('RECEIPT');
    await first.stop();

    const second = await startBroker({ store: shared });
    try {
      const d = await second.client({ 'accept-version': '1.2', host: 'localhost', 'client-id': 'svc' });
      // Published after the restart, before the subscriber is back: the restored subscription keeps it too.
      d.send('SEND', { destination: '/topic/audit', persistent: 'true', receipt: 'p2' }, 'entry-2');
      await d.next('RECEIPT');
      d.send('SUBSCRIBE', { destination: '/topic/audit', id: 'a', 'activemq.subscriptionName': 'audit' });
      expect([text(await d.next('MESSAGE')), text(await d.next('MESSAGE'))]).toEqual(['entry', 'entry-2']);
    } finally {
      await second.stop();
    }
  });
});
