import { describe, expect, it } from 'vitest';
import { durableContainer } from '../../src/index.js';
import { sharedBroker, startBroker } from '../helpers/broker.js';
import { RawStompClient, text } from '../helpers/raw-client.js';
import { bodies, fresh, messages, produce, RecordingStore, subscribe, withClientId } from './helpers.js';

const store = new RecordingStore();
const tb = sharedBroker({ store });

describe('client ids', () => {
  it('JMS 1.1 §4.3.2: a second connection with a client id already connected -> ERROR INVALID_CLIENT_ID; the id is free again once the first leaves', async () => {
    const first = await withClientId(tb, 'unique-app');
    const second = await RawStompClient.tcp(tb.stompPort);
    second.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'client-id': 'unique-app' });
    const error = await second.next('ERROR');
    expect(error.headers.code).toBe('INVALID_CLIENT_ID');
    await second.waitClosed();
    first.send('DISCONNECT', { receipt: 'bye' });
    await first.next('RECEIPT');
    await first.waitClosed();
    const third = await withClientId(tb, 'unique-app');
    expect(third.isClosed).toBe(false);
  });
});

describe('durable topic subscriptions', () => {
  it('JMS 1.1 §6.11.1: messages published while the subscriber is offline wait in the store and arrive in order when it returns', async () => {
    const topic = fresh('/topic/');
    const sub = await withClientId(tb, 'offline-order');
    await subscribe(sub, { destination: topic, id: 'd', 'activemq.subscriptionName': 'orders' });
    sub.send('DISCONNECT', { receipt: 'bye' });
    await sub.next('RECEIPT');
    await sub.waitClosed();
    const p = await tb.client();
    const sent = ['m1', 'm2', 'm3', 'm4', 'm5'];
    await produce(p, topic, sent, { persistent: 'true' });
    expect(store.count(durableContainer('offline-order', 'orders'))).toBe(5);
    const back = await withClientId(tb, 'offline-order');
    back.send('SUBSCRIBE', { destination: topic, id: 'd', 'activemq.subscriptionName': 'orders' });
    expect(bodies(await messages(back, 5))).toEqual(sent);
  });

  it('ActiveMQ: the durable-subscription-name header is accepted as an alias of activemq.subscriptionName', async () => {
    const topic = fresh('/topic/');
    const sub = await withClientId(tb, 'alias-app');
    await subscribe(sub, { destination: topic, id: 'd', 'durable-subscription-name': 'aliased' });
    sub.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
    await sub.next('RECEIPT');
    const p = await tb.client();
    await produce(p, topic, ['kept'], { persistent: 'true' });
    expect(store.count(durableContainer('alias-app', 'aliased'))).toBe(1);
  });

  it('JMS 1.1 §6.11.1: subscribing again with another selector replaces the subscription; its old messages are dropped', async () => {
    const topic = fresh('/topic/');
    const sub = await withClientId(tb, 'replace-app');
    await subscribe(sub, { destination: topic, id: 'd', 'activemq.subscriptionName': 'r', selector: "kind = 'a'" });
    sub.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
    await sub.next('RECEIPT');
    const p = await tb.client();
    await produce(p, topic, ['old-a'], { persistent: 'true', kind: 'a' });
    expect(store.count(durableContainer('replace-app', 'r'))).toBe(1);
    await subscribe(sub, { destination: topic, id: 'd2', 'activemq.subscriptionName': 'r', selector: "kind = 'b'" });
    expect(store.count(durableContainer('replace-app', 'r'))).toBe(0);
    await produce(p, topic, ['new-a'], { kind: 'a' });
    await produce(p, topic, ['new-b'], { kind: 'b' });
    expect(text(await sub.next('MESSAGE'))).toBe('new-b');
    expect(await sub.barrier()).toEqual([]);
  });

  it('JMS 2.0 Session.createDurableConsumer: changing noLocal also replaces the subscription', async () => {
    const topic = fresh('/topic/');
    const sub = await withClientId(tb, 'nolocal-replace');
    await subscribe(sub, { destination: topic, id: 'd', 'activemq.subscriptionName': 'n' });
    sub.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
    await sub.next('RECEIPT');
    const p = await tb.client();
    await produce(p, topic, ['before'], { persistent: 'true' });
    await subscribe(sub, { destination: topic, id: 'd2', 'activemq.subscriptionName': 'n', 'activemq.noLocal': 'true' });
    expect(await sub.barrier()).toEqual([]);
  });

  it('JMS 1.1 §6.11.1 noLocal: a durable subscription with activemq.noLocal:true does not keep messages published under its own client id', async () => {
    const topic = fresh('/topic/');
    const sub = await withClientId(tb, 'nolocal-durable');
    await subscribe(sub, { destination: topic, id: 'd', 'activemq.subscriptionName': 'n', 'activemq.noLocal': 'true' });
    await produce(sub, topic, ['own'], { persistent: 'true' });
    const p = await tb.client();
    await produce(p, topic, ['foreign'], { persistent: 'true' });
    expect(text(await sub.next('MESSAGE'))).toBe('foreign');
    expect(await sub.barrier()).toEqual([]);
  });

  it('JMS 1.1 Session.unsubscribe: UNSUBSCRIBE naming a durable subscription that does not exist -> ERROR INVALID_DESTINATION', async () => {
    const c = await withClientId(tb, 'unknown-durable');
    c.send('UNSUBSCRIBE', { 'activemq.subscriptionName': 'never-made', receipt: 'u' });
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('INVALID_DESTINATION');
    expect(e.headers['receipt-id']).toBe('u');
  });

  it('JMS 1.1 Session.unsubscribe: a durable subscription cannot be deleted while its consumer is attached', async () => {
    const topic = fresh('/topic/');
    const c = await withClientId(tb, 'busy-durable');
    await subscribe(c, { destination: topic, id: 'd', 'activemq.subscriptionName': 'busy' });
    c.send('UNSUBSCRIBE', { 'activemq.subscriptionName': 'busy' });
    expect((await c.next('ERROR')).headers.code).toBe('DURABLE_SUBSCRIPTION_IN_USE');
  });

  it('ActiveMQ: UNSUBSCRIBE with both the id and the subscription name detaches and deletes in one frame', async () => {
    const topic = fresh('/topic/');
    const c = await withClientId(tb, 'detach-delete');
    await subscribe(c, { destination: topic, id: 'd', 'activemq.subscriptionName': 'gone' });
    c.send('UNSUBSCRIBE', { id: 'd', 'activemq.subscriptionName': 'gone', receipt: 'u' });
    await c.next('RECEIPT');
    const p = await tb.client();
    await produce(p, topic, ['nobody'], { persistent: 'true' });
    expect(store.count(durableContainer('detach-delete', 'gone'))).toBe(0);
  });

  it('JMS 1.1 §6.11.1: a durable subscription without a client id -> ERROR MISSING_HEADER naming client-id', async () => {
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: fresh('/topic/'), id: 'd', 'activemq.subscriptionName': 'anonymous' });
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('MISSING_HEADER');
    expect(e.headers.message).toContain('client-id');
  });

  it('STOMP 1.2 §COMMIT: a committed topic message and its durable subscription copies are one atomic store write', async () => {
    const topic = fresh('/topic/');
    const queue = fresh('/queue/');
    const sub = await withClientId(tb, 'tx-durable');
    await subscribe(sub, { destination: topic, id: 'd', 'activemq.subscriptionName': 'tx' });
    sub.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
    await sub.next('RECEIPT');
    const p = await tb.client();
    p.send('BEGIN', { transaction: 't' });
    p.send('SEND', { destination: topic, persistent: 'true', transaction: 't' }, 'to-topic');
    p.send('SEND', { destination: queue, persistent: 'true', transaction: 't' }, 'to-queue');
    p.send('COMMIT', { transaction: 't', receipt: 'c' });
    await p.next('RECEIPT');
    const batch = store.batches.find((ops) => ops.some((op) => op.op === 'add' && op.container === durableContainer('tx-durable', 'tx')));
    expect(batch?.map((op) => (op.op === 'add' ? op.container : op.op)).sort()).toEqual([
      durableContainer('tx-durable', 'tx'),
      `queue:${queue.slice('/queue/'.length)}`,
    ]);
  });
});

describe('durable subscriptions across a restart', () => {
  it('JMS 1.1 §6.11.1: subscriptions with selector and noLocal come back after a restart and keep filtering', async () => {
    const shared = new RecordingStore();
    const topic = fresh('/topic/');
    const first = await startBroker({ store: shared });
    try {
      const c = await withClientId(first, 'restart-app');
      await subscribe(c, { destination: topic, id: 'd', 'activemq.subscriptionName': 'sel', selector: 'n > 1' });
    } finally {
      await first.stop();
    }
    const second = await startBroker({ store: shared });
    try {
      const p = await second.client();
      await produce(p, topic, ['one'], { persistent: 'true', n: '1' });
      await produce(p, topic, ['two'], { persistent: 'true', n: '2' });
      const c = await withClientId(second, 'restart-app');
      c.send('SUBSCRIBE', { destination: topic, id: 'd', 'activemq.subscriptionName': 'sel', selector: 'n > 1' });
      expect(text(await c.next('MESSAGE'))).toBe('two');
      expect(await c.barrier()).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
