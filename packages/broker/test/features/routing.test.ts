import { describe, expect, it } from 'vitest';
import { durableContainer, MemoryMessageStore } from '../../src/index.js';
import { sharedBroker } from '../helpers/broker.js';
import { text } from '../helpers/raw-client.js';
import { bodies, messages, produce, subscribe, withClientId } from './helpers.js';

const store = new MemoryMessageStore();
const tb = sharedBroker({ store });

describe('wildcard topic subscriptions', () => {
  it('ActiveMQ wildcards: `*` matches one element and `>` the rest (including none); MESSAGE names the concrete topic', async () => {
    const star = await tb.client();
    await subscribe(star, { destination: '/topic/prices.*.usd', id: 'star' });
    const rest = await tb.client();
    await subscribe(rest, { destination: '/topic/prices.>', id: 'rest' });
    const p = await tb.client();
    await produce(p, '/topic/prices.stock.usd', ['stock-usd']);
    await produce(p, '/topic/prices.stock.eur', ['stock-eur']);
    await produce(p, '/topic/prices.bond.us.usd', ['bond-us-usd']);
    await produce(p, '/topic/prices', ['bare']);
    const s = await star.barrier();
    expect(bodies(s)).toEqual(['stock-usd']);
    expect(s[0]!.headers.destination).toBe('/topic/prices.stock.usd');
    // As in ActiveMQ's destination filter, `prices.>` also matches `prices` itself.
    expect(bodies(await rest.barrier())).toEqual(['stock-usd', 'stock-eur', 'bond-us-usd', 'bare']);
  });

  it('ActiveMQ wildcards: a durable subscription on a wildcard keeps what every matching topic gets while it is offline', async () => {
    const c = await withClientId(tb, 'wild-durable');
    await subscribe(c, { destination: '/topic/orders.>', id: 'd', 'activemq.subscriptionName': 'all-orders' });
    c.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
    await c.next('RECEIPT');
    const p = await tb.client();
    await produce(p, '/topic/orders.eu', ['eu'], { persistent: 'true' });
    await produce(p, '/topic/orders.us.west', ['us-west'], { persistent: 'true' });
    await produce(p, '/topic/invoices.eu', ['other'], { persistent: 'true' });
    expect(store.count(durableContainer('wild-durable', 'all-orders'))).toBe(2);
    c.send('SUBSCRIBE', { destination: '/topic/orders.>', id: 'd', 'activemq.subscriptionName': 'all-orders' });
    expect(bodies(await messages(c, 2))).toEqual(['eu', 'us-west']);
  });

  it.each(['/topic/prices.>', '/queue/jobs.*'])('ActiveMQ wildcards: SEND to the wildcard destination %s -> ERROR INVALID_DESTINATION', async (destination) => {
    const c = await tb.client();
    c.send('SEND', { destination, receipt: 'r' }, 'x');
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('INVALID_DESTINATION');
    expect(e.headers['receipt-id']).toBe('r');
  });

  it('ActiveMQ wildcards: a wildcard SUBSCRIBE on a queue -> ERROR INVALID_DESTINATION (topics only)', async () => {
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: '/queue/jobs.>', id: 's' });
    expect((await c.next('ERROR')).headers.code).toBe('INVALID_DESTINATION');
  });
});

describe('composite destinations', () => {
  it('ActiveMQ composite destinations: SEND to `/queue/a,/topic/b` delivers to each destination, with one receipt', async () => {
    const q = await tb.client();
    await subscribe(q, { destination: '/queue/composite.a', id: 'q' });
    const t = await tb.client();
    await subscribe(t, { destination: '/topic/composite.b', id: 't' });
    const p = await tb.client();
    p.send('SEND', { destination: '/queue/composite.a,/topic/composite.b', receipt: 'r' }, 'both');
    expect((await p.next('RECEIPT')).headers['receipt-id']).toBe('r');
    const fromQueue = await q.next('MESSAGE');
    const fromTopic = await t.next('MESSAGE');
    expect([text(fromQueue), fromQueue.headers.destination]).toEqual(['both', '/queue/composite.a']);
    expect([text(fromTopic), fromTopic.headers.destination]).toEqual(['both', '/topic/composite.b']);
  });

  it('ActiveMQ composite destinations: a wildcard durable subscription matching two elements keeps both copies', async () => {
    const c = await withClientId(tb, 'composite-durable');
    await subscribe(c, { destination: '/topic/fan.>', id: 'd', 'activemq.subscriptionName': 'fan' });
    c.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
    await c.next('RECEIPT');
    const p = await tb.client();
    await produce(p, '/topic/fan.x,/topic/fan.y', ['twice'], { persistent: 'true' });
    expect(store.count(durableContainer('composite-durable', 'fan'))).toBe(2);
    c.send('SUBSCRIBE', { destination: '/topic/fan.>', id: 'd', 'activemq.subscriptionName': 'fan' });
    const got = await messages(c, 2);
    expect(got.map((m) => m.headers.destination)).toEqual(['/topic/fan.x', '/topic/fan.y']);
    expect(got[0]!.headers['message-id']).toBe(got[1]!.headers['message-id']);
  });

  it('ActiveMQ composite destinations: a composite SEND with one malformed element -> ERROR INVALID_DESTINATION, and no element gets the message', async () => {
    const q = await tb.client();
    await subscribe(q, { destination: '/queue/composite.c', id: 'q' });
    const p = await tb.client();
    p.send('SEND', { destination: '/queue/composite.c,/nowhere/x' }, 'half');
    expect((await p.next('ERROR')).headers.code).toBe('INVALID_DESTINATION');
    expect(await q.barrier()).toEqual([]);
  });
});

describe('request/reply', () => {
  it('JMS 1.1 §4.4.3: reply-to passes through; another connection sends to the temporary queue while its owner lives; after the owner left -> ERROR DESTINATION_DELETED', async () => {
    const requester = await tb.client();
    await subscribe(requester, { destination: '/temp-queue/replies-1', id: 'replies' });
    const worker = await tb.client();
    await subscribe(worker, { destination: '/queue/requests', id: 'w' });
    await produce(requester, '/queue/requests', ['question'], { 'reply-to': '/temp-queue/replies-1', 'correlation-id': 'c-1' });
    const request = await worker.next('MESSAGE');
    expect(request.headers['reply-to']).toBe('/temp-queue/replies-1');
    worker.send('SEND', { destination: request.headers['reply-to']!, 'correlation-id': request.headers['correlation-id']!, receipt: 'rr' }, 'answer');
    await worker.next('RECEIPT');
    const reply = await requester.next('MESSAGE');
    expect([text(reply), reply.headers['correlation-id']]).toEqual(['answer', 'c-1']);
    requester.send('DISCONNECT', { receipt: 'bye' });
    await requester.next('RECEIPT');
    worker.send('SEND', { destination: '/temp-queue/replies-1', receipt: 'late' }, 'too late');
    const e = await worker.next('ERROR');
    expect(e.headers.code).toBe('DESTINATION_DELETED');
  });
});
