import { describe, expect, it } from 'vitest';
import { resolveBrokerConfig } from '@tsmq/config';
import { redeliveryDelay } from '../../src/core/registry.js';
import { sharedBroker } from '../helpers/broker.js';
import { text } from '../helpers/raw-client.js';
import { bodies, fresh, messages, produce, subscribe, withClientId } from './helpers.js';

const INDIVIDUAL = {
  kind: 'individual',
  queuePrefix: 'DLQ.',
  topicPrefix: 'DLQ.',
  useQueueForQueueMessages: true,
  useQueueForTopicMessages: true,
  processExpired: true,
  processNonPersistent: true,
} as const;

const tb = sharedBroker({
  defaultPolicy: { expireMessagesPeriod: 20 },
  destinationPolicies: [{ queue: 'own.>', expireMessagesPeriod: 20, deadLetterStrategy: INDIVIDUAL }],
  redeliveryPolicy: { maximumRedeliveries: 2, initialRedeliveryDelay: 5 },
});

const statsOf = (destination: string) => tb.broker.stats().destinations.find((d) => d.destination === destination);

describe('priority', () => {
  it('JMS 1.1 §3.4.10 JMSPriority: waiting messages go out highest priority first, default 4', async () => {
    const q = fresh('/queue/');
    const p = await tb.client();
    await produce(p, q, ['low'], { priority: '0' });
    await produce(p, q, ['default']);
    await produce(p, q, ['high'], { priority: '9' });
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    const got = await messages(c, 3);
    expect(bodies(got)).toEqual(['high', 'default', 'low']);
    expect(got[1]!.headers.priority).toBeUndefined();
  });

  it.each(['42', '-1', '4.5', 'high', ''])('JMS 1.1 §3.4.10: priority:%j -> ERROR INVALID_HEADER, nothing is enqueued', async (priority) => {
    const q = fresh('/queue/');
    const c = await tb.client();
    c.send('SEND', { destination: q, priority, receipt: 'r' }, 'x');
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('INVALID_HEADER');
    expect(e.headers['receipt-id']).toBe('r');
    expect(statsOf(q)?.depth ?? 0).toBe(0);
  });
});

describe('expiry', () => {
  it('JMS 1.1 §3.4.9 JMSExpiration: an expired message waiting in a queue without consumers is swept to ActiveMQ.DLQ with dlqDeliveryFailureCause expired', async () => {
    const q = fresh('/queue/');
    const dlq = await tb.client();
    await subscribe(dlq, { destination: '/queue/ActiveMQ.DLQ', id: 'dlq', selector: `originalDestination = '${q}'` });
    const p = await tb.client();
    await produce(p, q, ['short-lived'], { persistent: 'true', expires: String(Date.now() + 30) });
    const dead = await dlq.next('MESSAGE');
    expect(text(dead)).toBe('short-lived');
    expect(dead.headers.dlqDeliveryFailureCause).toBe('expired');
    expect(dead.headers['original-destination']).toBe(q);
    expect(dead.headers.expires).toBeUndefined();
    expect(statsOf(q)?.depth).toBe(0);
  });

  it('JMS 1.1 §3.4.9 JMSExpiration: a topic message that has expired is not delivered to subscribers', async () => {
    const t = fresh('/topic/');
    const c = await tb.client();
    await subscribe(c, { destination: t, id: 's' });
    const p = await tb.client();
    await produce(p, t, ['stale'], { expires: String(Date.now() - 1) });
    await produce(p, t, ['fresh'], { expires: String(Date.now() + 60_000) });
    expect(text(await c.next('MESSAGE'))).toBe('fresh');
    expect(await c.barrier()).toEqual([]);
  });

  it('ActiveMQ deadLetterStrategy: an expired non-persistent message is dropped (processNonPersistent false), not dead-lettered', async () => {
    const q = fresh('/queue/');
    const dlq = await tb.client();
    await subscribe(dlq, { destination: '/queue/ActiveMQ.DLQ', id: 'dlq', selector: `originalDestination = '${q}'` });
    const p = await tb.client();
    await produce(p, q, ['transient'], { expires: String(Date.now() + 20) });
    await produce(p, q, ['persistent'], { persistent: 'true', expires: String(Date.now() + 40) });
    expect(text(await dlq.next('MESSAGE'))).toBe('persistent');
    expect(await dlq.barrier()).toEqual([]);
    expect(statsOf(q)?.depth).toBe(0);
  });

  it('ActiveMQ individualDeadLetterStrategy: expired messages go to the queue named by the prefix and the queue name', async () => {
    const dlq = await tb.client();
    await subscribe(dlq, { destination: '/queue/DLQ.own.orders', id: 'dlq' });
    const p = await tb.client();
    await produce(p, '/queue/own.orders', ['late'], { expires: String(Date.now() + 20) });
    const dead = await dlq.next('MESSAGE');
    expect(text(dead)).toBe('late');
    expect(dead.headers.originalDestination).toBe('/queue/own.orders');
  });
});

describe('redelivery and the dead-letter queue', () => {
  it('JMS 1.1 §3.5.9 JMSXDeliveryCount: each NACK redelivers with a higher count; past maximumRedeliveries the message goes to the DLQ with the cause', async () => {
    const q = fresh('/queue/');
    const dlq = await tb.client();
    await subscribe(dlq, { destination: '/queue/ActiveMQ.DLQ', id: 'dlq', selector: `originalDestination = '${q}'` });
    const p = await tb.client();
    await produce(p, q, ['poison'], { persistent: 'true' });
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's', ack: 'client-individual' });
    const counts: string[] = [];
    let originalId = '';
    for (let i = 0; i < 3; i++) {
      const m = await c.next('MESSAGE');
      originalId = m.headers['message-id']!;
      counts.push(`${m.headers.JMSXDeliveryCount}/${m.headers.redelivered ?? 'false'}`);
      c.send('NACK', { id: m.headers.ack! });
    }
    expect(counts).toEqual(['1/false', '2/true', '3/true']);
    const dead = await dlq.next('MESSAGE');
    expect(text(dead)).toBe('poison');
    expect(dead.headers.dlqDeliveryFailureCause).toBe('redelivery count 3 exceeded maximumRedeliveries 2 (NACK)');
    expect(dead.headers.originalDestination).toBe(q);
    expect(dead.headers.originalMessageId).toBe(originalId);
    expect(dead.headers.JMSXDeliveryCount).toBe('1');
    expect(await c.barrier()).toEqual([]);
    expect(statsOf(q)).toMatchObject({ depth: 0, inflight: 0 });
  });

  it('ActiveMQ: a durable subscription message NACKed past maximumRedeliveries also goes to the DLQ', async () => {
    const topic = fresh('/topic/');
    const dlq = await tb.client();
    await subscribe(dlq, { destination: '/queue/ActiveMQ.DLQ', id: 'dlq', selector: `originalDestination = '${topic}'` });
    const c = await withClientId(tb, 'nack-durable');
    await subscribe(c, { destination: topic, id: 'd', 'activemq.subscriptionName': 'n', ack: 'client-individual' });
    await produce(await tb.client(), topic, ['bad'], { persistent: 'true' });
    for (let i = 0; i < 3; i++) c.send('NACK', { id: (await c.next('MESSAGE')).headers.ack! });
    expect((await dlq.next('MESSAGE')).headers.dlqDeliveryFailureCause).toMatch(/exceeded maximumRedeliveries 2/);
  });

  it('ActiveMQ: a persistent topic message NACKed past maximumRedeliveries by a plain subscriber goes to the DLQ; a non-persistent one is dropped', async () => {
    const topic = fresh('/topic/');
    const dlq = await tb.client();
    await subscribe(dlq, { destination: '/queue/ActiveMQ.DLQ', id: 'dlq', selector: `originalDestination = '${topic}'` });
    const c = await tb.client();
    await subscribe(c, { destination: topic, id: 't', ack: 'client-individual' });
    const p = await tb.client();
    await produce(p, topic, ['volatile']);
    for (let i = 0; i < 3; i++) c.send('NACK', { id: (await c.next('MESSAGE')).headers.ack! });
    await produce(p, topic, ['durable'], { persistent: 'true' });
    for (let i = 0; i < 3; i++) c.send('NACK', { id: (await c.next('MESSAGE')).headers.ack! });
    const dead = await dlq.next('MESSAGE');
    expect(text(dead)).toBe('durable');
    expect(dead.headers.dlqDeliveryFailureCause).toBe('redelivery count 3 exceeded maximumRedeliveries 2 (NACK)');
    expect(await dlq.barrier()).toEqual([]);
    expect(await c.barrier()).toEqual([]);
  });

  it('ActiveMQ RedeliveryPolicy: the delay starts at initialRedeliveryDelay, multiplies by backOffMultiplier, and is capped by maximumRedeliveryDelay', () => {
    const { redeliveryPolicy } = resolveBrokerConfig({
      redeliveryPolicy: { initialRedeliveryDelay: 100, useExponentialBackOff: true, backOffMultiplier: 2, maximumRedeliveryDelay: 500 },
    });
    expect([1, 2, 3, 4, 5].map((n) => redeliveryDelay(redeliveryPolicy, n))).toEqual([100, 200, 400, 500, 500]);
    const flat = resolveBrokerConfig({ redeliveryPolicy: { initialRedeliveryDelay: 50, redeliveryDelay: 1000 } }).redeliveryPolicy;
    expect([1, 2, 3].map((n) => redeliveryDelay(flat, n))).toEqual([50, 1000, 1000]);
  });
});
