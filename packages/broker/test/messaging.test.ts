import { describe, expect, it } from 'vitest';
import { sharedBroker } from './helpers/broker.js';
import { type RawStompClient, text } from './helpers/raw-client.js';

const tb = sharedBroker();

let unique = 0;
const queue = () => `/queue/q${++unique}`;
const topic = () => `/topic/t${++unique}`;

/**
 * Sends `bodies` with receipts from a connection of its own and waits for all receipts: the
 * messages are then enqueued (and dispatched to whoever could take them).
 */
async function produce(destination: string, bodies: string[], headers: Record<string, string> = {}, c?: RawStompClient): Promise<void> {
  c ??= await tb.client();
  for (const [i, body] of bodies.entries()) c.send('SEND', { destination, receipt: `p${i}`, ...headers }, body);
  for (let i = 0; i < bodies.length; i++) await c.next('RECEIPT');
}

async function messages(c: RawStompClient, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await c.next('MESSAGE'));
  return out;
}

function depthOf(destination: string) {
  return tb.broker.stats().destinations.find((d) => d.destination === destination);
}

describe('queues', () => {
  it('JMS 1.1 §5 point-to-point: each message goes to exactly one consumer, round robin across consumers', async () => {
    const q = queue();
    const a = await tb.client();
    const b = await tb.client();
    a.send('SUBSCRIBE', { destination: q, id: 'a', receipt: 'ra' });
    await a.next('RECEIPT');
    b.send('SUBSCRIBE', { destination: q, id: 'b', receipt: 'rb' });
    await b.next('RECEIPT');
    await produce(q, ['1', '2', '3', '4']);
    const got = [...(await messages(a, 2)), ...(await messages(b, 2))].map(text);
    expect(got.sort()).toEqual(['1', '2', '3', '4']);
    expect((await a.barrier()).length).toBe(0);
    expect((await b.barrier()).length).toBe(0);
  });

  it('JMS 1.1 §4.4.10 message order: one consumer receives a producer\'s messages in the order sent', async () => {
    const q = queue();
    const bodies = Array.from({ length: 50 }, (_, i) => `m${i}`);
    await produce(q, bodies);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    expect((await messages(c, 50)).map(text)).toEqual(bodies);
  });

  it('STOMP 1.2 §MESSAGE: carries subscription, message-id, destination and the producer\'s own headers, not control headers', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 'hdr', ack: 'client' });
    const p = await tb.client();
    p.send(
      'SEND',
      {
        destination: q,
        receipt: 'r',
        'correlation-id': 'c-1',
        'reply-to': '/queue/replies',
        type: 'Order',
        persistent: 'true',
        priority: '7',
        'content-type': 'text/plain',
        region: 'emea',
      },
      'payload',
    );
    await p.next('RECEIPT');
    const m = await c.next('MESSAGE');
    expect(m.headers.subscription).toBe('hdr');
    expect(m.headers['message-id']).toMatch(/^ID:.+-\d+$/);
    expect(m.headers.destination).toBe(q);
    expect(m.headers.ack).toBeTruthy();
    expect(m.headers['correlation-id']).toBe('c-1');
    expect(m.headers['reply-to']).toBe('/queue/replies');
    expect(m.headers.type).toBe('Order');
    expect(m.headers.persistent).toBe('true');
    expect(m.headers.priority).toBe('7');
    expect(m.headers.region).toBe('emea');
    expect(m.headers['content-length']).toBe('7');
    expect(Number(m.headers.timestamp)).toBeGreaterThan(0);
    expect(m.headers.receipt).toBeUndefined();
    expect(m.headers.redelivered).toBeUndefined();
    expect(text(m)).toBe('payload');
  });

  it('JMS 1.1 §3.4.10 JMSPriority: waiting messages are dispatched highest priority first', async () => {
    const q = queue();
    const p = await tb.client();
    for (const [i, prio] of ['1', '9', '4', '9', '0'].entries()) {
      p.send('SEND', { destination: q, priority: prio, receipt: `r${i}` }, `${prio}-${i}`);
    }
    for (let i = 0; i < 5; i++) await p.next('RECEIPT');
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    expect((await messages(c, 5)).map(text)).toEqual(['9-1', '9-3', '4-2', '1-0', '0-4']);
  });

  it('ActiveMQ prefetch: activemq.prefetchSize caps unacknowledged messages per subscription', async () => {
    const q = queue();
    await produce(q, ['1', '2', '3', '4', '5']);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual', 'activemq.prefetchSize': '2' });
    const first = await messages(c, 2);
    expect(await c.barrier()).toEqual([]);
    expect(depthOf(q)).toMatchObject({ depth: 3, inflight: 2, consumers: 1 });
    c.send('ACK', { id: first[0]!.headers.ack! });
    expect(text(await c.next('MESSAGE'))).toBe('3');
  });
});

describe('topics', () => {
  it('JMS 1.1 §6 publish/subscribe: every current subscriber gets a copy', async () => {
    const t = topic();
    const subs = [await tb.client(), await tb.client(), await tb.client()];
    for (const [i, s] of subs.entries()) {
      s.send('SUBSCRIBE', { destination: t, id: `s${i}`, receipt: 'r' });
      await s.next('RECEIPT');
    }
    await produce(t, ['a', 'b']);
    for (const s of subs) expect((await messages(s, 2)).map(text)).toEqual(['a', 'b']);
  });

  it('JMS 1.1 §6 non-durable subscriptions: a message published before a non-durable subscription exists is not delivered to it', async () => {
    const t = topic();
    await produce(t, ['before']);
    const s = await tb.client();
    s.send('SUBSCRIBE', { destination: t, id: 's', receipt: 'r' });
    await s.next('RECEIPT');
    await produce(t, ['after']);
    expect(text(await s.next('MESSAGE'))).toBe('after');
  });
});

describe('queue browsing', () => {
  it('ActiveMQ browser:true: SUBSCRIBE sends the waiting messages without consuming them, then browser:end', async () => {
    const q = queue();
    await produce(q, ['1', '2', '3']);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 'b', browser: 'true', receipt: 'r' });
    await c.next('RECEIPT');
    const seen = await messages(c, 4);
    expect(seen.slice(0, 3).map(text)).toEqual(['1', '2', '3']);
    expect(seen[3]!.headers.browser).toBe('end');
    expect(depthOf(q)).toMatchObject({ depth: 3, inflight: 0, consumers: 0 });
    c.send('UNSUBSCRIBE', { id: 'b', receipt: 'u' });
    await c.next('RECEIPT');
    c.send('SUBSCRIBE', { destination: q, id: 'sel', browser: 'true', selector: "JMSMessageID IS NOT NULL AND JMSXDeliveryCount = 1" });
    expect((await messages(c, 4)).map((m) => m.headers.browser ?? text(m))).toEqual(['1', '2', '3', 'end']);
  });
});

describe('no-local', () => {
  it('JMS noLocal: activemq.noLocal:true skips messages the subscriber\'s own connection publishes', async () => {
    const t = topic();
    const me = await tb.client();
    me.send('SUBSCRIBE', { destination: t, id: 'mine', 'activemq.noLocal': 'true', receipt: 'r' });
    await me.next('RECEIPT');
    me.send('SEND', { destination: t }, 'from me');
    const other = await tb.client();
    other.send('SEND', { destination: t, receipt: 'o' }, 'from other');
    await other.next('RECEIPT');
    expect(text(await me.next('MESSAGE'))).toBe('from other');
    expect(await me.barrier()).toEqual([]);
  });
});

describe('temporary destinations', () => {
  it('JMS 1.1 §4.4.3 temporary destinations: another connection replies to reply-to while the owner lives; a SEND after the owner closed is an ERROR', async () => {
    const temp = `/temp-queue/replies-${++unique}`;
    const requester = await tb.client();
    requester.send('SUBSCRIBE', { destination: temp, id: 'replies', receipt: 'r' });
    await requester.next('RECEIPT');
    const service = await tb.client();
    service.send('SUBSCRIBE', { destination: '/queue/service', id: 'svc' });
    requester.send('SEND', { destination: '/queue/service', 'reply-to': temp }, 'ping');
    const request = await service.next('MESSAGE');
    service.send('SEND', { destination: request.headers['reply-to']!, receipt: 'reply' }, 'pong');
    await service.next('RECEIPT');
    expect(text(await requester.next('MESSAGE'))).toBe('pong');

    requester.send('DISCONNECT', { receipt: 'bye' });
    await requester.next('RECEIPT');
    await requester.waitClosed();
    expect(tb.broker.stats().destinations.some((d) => d.destination === temp)).toBe(false);
    service.send('SEND', { destination: temp, receipt: 'late' }, 'too late');
    const e = await service.next('ERROR');
    expect(e.headers.code).toBe('DESTINATION_DELETED');
    expect(e.headers['receipt-id']).toBe('late');
  });

  it('JMS 1.1 §4.4.3: only the connection that created a temporary destination may consume from it', async () => {
    const temp = `/temp-topic/events-${++unique}`;
    const owner = await tb.client();
    owner.send('SUBSCRIBE', { destination: temp, id: 'own', receipt: 'r' });
    await owner.next('RECEIPT');
    const other = await tb.client();
    other.send('SUBSCRIBE', { destination: temp, id: 'steal' });
    expect((await other.next('ERROR')).headers.code).toBe('INVALID_DESTINATION');
  });
});

describe('acknowledgement', () => {
  it('STOMP 1.2 §SUBSCRIBE ack Header: auto ack needs no ACK and leaves nothing in flight', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    await produce(q, ['1', '2']);
    expect((await messages(c, 2)).map((m) => m.headers.ack)).toEqual([undefined, undefined]);
    await c.barrier();
    expect(depthOf(q)).toMatchObject({ depth: 0, inflight: 0, dequeued: 2 });
  });

  it('STOMP 1.2 §SUBSCRIBE ack Header: client ack is cumulative, acking a message acks all earlier ones', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client' });
    await produce(q, ['1', '2', '3']);
    const ms = await messages(c, 3);
    c.send('ACK', { id: ms[1]!.headers.ack!, receipt: 'acked' });
    await c.next('RECEIPT');
    expect(depthOf(q)).toMatchObject({ depth: 0, inflight: 1 });
    // The earlier message was acked with the later one: its ack id is gone.
    c.send('ACK', { id: ms[0]!.headers.ack! });
    expect((await c.next('ERROR')).headers.code).toBe('UNKNOWN_ACK_ID');
  });

  it('STOMP 1.2 §SUBSCRIBE ack Header: client-individual acks only the message named', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    await produce(q, ['1', '2', '3']);
    const ms = await messages(c, 3);
    c.send('ACK', { id: ms[1]!.headers.ack!, receipt: 'acked' });
    await c.next('RECEIPT');
    expect(depthOf(q)).toMatchObject({ depth: 0, inflight: 2 });
    c.send('ACK', { id: ms[0]!.headers.ack!, receipt: 'acked0' });
    await c.next('RECEIPT');
    expect(depthOf(q)).toMatchObject({ inflight: 1 });
  });

  it('STOMP 1.2 §NACK: the message is redelivered with redelivered:true and a higher JMSXDeliveryCount', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    await produce(q, ['x']);
    const first = await c.next('MESSAGE');
    expect(first.headers.JMSXDeliveryCount).toBe('1');
    c.send('NACK', { id: first.headers.ack! });
    const again = await c.next('MESSAGE');
    expect(text(again)).toBe('x');
    expect(again.headers.redelivered).toBe('true');
    expect(again.headers.JMSXDeliveryCount).toBe('2');
    expect(again.headers['message-id']).toBe(first.headers['message-id']);
  });

  it('STOMP 1.1 §ACK: ACK names message-id and subscription', async () => {
    const q = queue();
    const c = await tb.client({ 'accept-version': '1.1', host: 'localhost' });
    c.send('SUBSCRIBE', { destination: q, id: 's11', ack: 'client' });
    await produce(q, ['1']);
    const m = await c.next('MESSAGE');
    c.send('ACK', { 'message-id': m.headers['message-id']!, subscription: 's11', receipt: 'a' });
    await c.next('RECEIPT');
    expect(depthOf(q)).toMatchObject({ depth: 0, inflight: 0 });
  });

  it('JMS 1.1 §3.4.7 JMSRedelivered: unacknowledged messages return in original order with redelivered:true when the consumer unsubscribes', async () => {
    const q = queue();
    await produce(q, ['1', '2', '3', '4']);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    const ms = await messages(c, 4);
    c.send('ACK', { id: ms[1]!.headers.ack! });
    c.send('UNSUBSCRIBE', { id: 's', receipt: 'u' });
    await c.next('RECEIPT');
    const d = await tb.client();
    d.send('SUBSCRIBE', { destination: q, id: 's2' });
    const again = await messages(d, 3);
    expect(again.map(text)).toEqual(['1', '3', '4']);
    expect(again.every((m) => m.headers.redelivered === 'true')).toBe(true);
  });

  it('JMS 1.1 §3.4.7 JMSRedelivered: a consumer that disconnects returns its unacknowledged messages in order, before newer ones', async () => {
    const q = queue();
    await produce(q, ['1', '2', '3']);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client', 'activemq.prefetchSize': '2' });
    await messages(c, 2);
    c.close();
    await c.waitClosed();
    const d = await tb.client();
    d.send('SUBSCRIBE', { destination: q, id: 's' });
    const got = await messages(d, 3);
    expect(got.map(text)).toEqual(['1', '2', '3']);
    expect(got.map((m) => m.headers.redelivered)).toEqual(['true', 'true', undefined]);
  });
});

describe('transactions', () => {
  it('STOMP 1.2 §BEGIN: messages sent in a transaction are invisible until COMMIT', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', receipt: 'sub' });
    await c.next('RECEIPT');
    const p = await tb.client();
    p.send('BEGIN', { transaction: 't' });
    await produce(q, ['1', '2'], { transaction: 't' }, p);
    expect(await c.barrier()).toEqual([]);
    expect(depthOf(q)).toMatchObject({ depth: 0, enqueued: 0 });
    p.send('COMMIT', { transaction: 't', receipt: 'c' });
    await p.next('RECEIPT');
    expect((await messages(c, 2)).map(text)).toEqual(['1', '2']);
  });

  it('STOMP 1.2 §ABORT: sends are dropped and acknowledged messages become deliverable again, redelivered', async () => {
    const q = queue();
    await produce(q, ['keep']);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    const m = await c.next('MESSAGE');
    c.send('BEGIN', { transaction: 't' });
    c.send('ACK', { id: m.headers.ack!, transaction: 't' });
    c.send('SEND', { destination: q, transaction: 't' }, 'dropped');
    c.send('ABORT', { transaction: 't', receipt: 'a' });
    const after = await c.next();
    const frames = after.command === 'RECEIPT' ? [await c.next('MESSAGE')] : [after, await c.next('RECEIPT')];
    const redelivered = frames.find((f) => f.command === 'MESSAGE')!;
    expect(text(redelivered)).toBe('keep');
    expect(redelivered.headers.redelivered).toBe('true');
    expect(await c.barrier()).toEqual([]);
  });

  it('STOMP 1.2 §COMMIT: acknowledgements in a transaction take effect at COMMIT', async () => {
    const q = queue();
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    await produce(q, ['1']);
    const m = await c.next('MESSAGE');
    c.send('BEGIN', { transaction: 't' });
    c.send('ACK', { id: m.headers.ack!, transaction: 't', receipt: 'a' });
    await c.next('RECEIPT');
    expect(depthOf(q)).toMatchObject({ dequeued: 0 });
    c.send('COMMIT', { transaction: 't', receipt: 'c' });
    await c.next('RECEIPT');
    expect(depthOf(q)).toMatchObject({ depth: 0, inflight: 0, dequeued: 1 });
  });

  it('STOMP 1.2 §BEGIN: a transaction still open at disconnect is aborted', async () => {
    const q = queue();
    await produce(q, ['held']);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    const m = await c.next('MESSAGE');
    c.send('BEGIN', { transaction: 't' });
    c.send('ACK', { id: m.headers.ack!, transaction: 't' });
    c.send('SEND', { destination: q, transaction: 't', receipt: 'sent' }, 'never');
    await c.next('RECEIPT');
    c.close();
    await c.waitClosed();
    const d = await tb.client();
    d.send('SUBSCRIBE', { destination: q, id: 's' });
    const again = await d.next('MESSAGE');
    expect(text(again)).toBe('held');
    expect(again.headers.redelivered).toBe('true');
    expect(await d.barrier()).toEqual([]);
  });
});

describe('selectors and expiry', () => {
  it('JMS 1.1 §3.8.1 message selector: each queue consumer gets only the messages its selector selects', async () => {
    const q = queue();
    const red = await tb.client();
    red.send('SUBSCRIBE', { destination: q, id: 'red', selector: "color = 'red'", receipt: 'r' });
    await red.next('RECEIPT');
    const big = await tb.client();
    big.send('SUBSCRIBE', { destination: q, id: 'big', selector: 'JMSPriority > 6', receipt: 'r' });
    await big.next('RECEIPT');
    const p = await tb.client();
    p.send('SEND', { destination: q, color: 'blue' }, 'nobody');
    p.send('SEND', { destination: q, color: 'red' }, 'red-1');
    p.send('SEND', { destination: q, color: 'green', priority: '9' }, 'big-1');
    p.send('SEND', { destination: q, color: 'red', receipt: 'last' }, 'red-2');
    await p.next('RECEIPT');
    expect((await messages(red, 2)).map(text)).toEqual(['red-1', 'red-2']);
    expect(text(await big.next('MESSAGE'))).toBe('big-1');
    // The message nobody selects waits in the queue.
    expect(depthOf(q)).toMatchObject({ depth: 1 });
  });

  it('JMS 1.1 §3.8.1 message selector: a topic subscriber gets only selected messages', async () => {
    const t = topic();
    const s = await tb.client();
    s.send('SUBSCRIBE', { destination: t, id: 's', selector: 'amount >= 100', receipt: 'r' });
    await s.next('RECEIPT');
    const p = await tb.client();
    p.send('SEND', { destination: t, amount: '50' }, 'small');
    p.send('SEND', { destination: t, amount: '150', receipt: 'x' }, 'large');
    await p.next('RECEIPT');
    expect(text(await s.next('MESSAGE'))).toBe('large');
    expect(await s.barrier()).toEqual([]);
  });

  it('JMS 1.1 §3.8.1.1: an invalid selector -> ERROR INVALID_SELECTOR', async () => {
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: queue(), id: 's', selector: 'color = ', receipt: 'bad' });
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('INVALID_SELECTOR');
    expect(e.headers['receipt-id']).toBe('bad');
  });

  it('JMS 1.1 §3.4.9 JMSExpiration: a message whose expires time has passed is not delivered', async () => {
    const q = queue();
    const p = await tb.client();
    p.send('SEND', { destination: q, expires: String(Date.now() - 1000) }, 'stale');
    p.send('SEND', { destination: q, expires: String(Date.now() + 60_000), receipt: 'r' }, 'fresh');
    await p.next('RECEIPT');
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    expect(text(await c.next('MESSAGE'))).toBe('fresh');
    expect(await c.barrier()).toEqual([]);
  });

  it('JMS 1.1 §3.4.9 JMSExpiration: an expired persistent message goes to ActiveMQ.DLQ (processExpired), without an expiry there', async () => {
    const q = queue();
    const p = await tb.client();
    p.send('SEND', { destination: q, persistent: 'true', expires: String(Date.now() - 1000), receipt: 'r' }, 'expired');
    await p.next('RECEIPT');
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    c.send('SUBSCRIBE', { destination: '/queue/ActiveMQ.DLQ', id: 'dlq' });
    const dead = await c.next('MESSAGE');
    expect(dead.headers.subscription).toBe('dlq');
    expect(text(dead)).toBe('expired');
    expect(dead.headers['original-destination']).toBe(q);
    expect(dead.headers.expires).toBeUndefined();
  });
});
