import { describe, expect, it } from 'vitest';
import { MemoryMessageStore } from '../../src/index.js';
import { sharedBroker, startBroker } from '../helpers/broker.js';
import { text } from '../helpers/raw-client.js';
import { bodies, fresh, messages, produce, subscribe, withClientId } from './helpers.js';

const tb = sharedBroker();

describe('scheduled delivery (schedulerSupport)', () => {
  it('ActiveMQ AMQ_SCHEDULED_DELAY: a delayed message is held back while later ones are delivered, then arrives', async () => {
    const q = fresh('/queue/');
    const c = await tb.client();
    await subscribe(c, { destination: q, id: 's' });
    const p = await tb.client();
    await produce(p, q, ['later'], { AMQ_SCHEDULED_DELAY: '300' });
    await produce(p, q, ['now']);
    expect(bodies(await messages(c, 2))).toEqual(['now', 'later']);
  });

  it('ActiveMQ AMQ_SCHEDULED_PERIOD + AMQ_SCHEDULED_REPEAT: the message is delivered repeat + 1 times, each with its own message-id', async () => {
    const t = fresh('/topic/');
    const c = await tb.client();
    await subscribe(c, { destination: t, id: 's' });
    const p = await tb.client();
    await produce(p, t, ['tick'], { persistent: 'true', AMQ_SCHEDULED_PERIOD: '20', AMQ_SCHEDULED_REPEAT: '2' });
    const got = await messages(c, 3);
    expect(bodies(got)).toEqual(['tick', 'tick', 'tick']);
    expect(new Set(got.map((m) => m.headers['message-id'])).size).toBe(3);
    expect(got[0]!.headers.AMQ_SCHEDULED_REPEAT).toBe('2');
    // The fourth would have been due 20 ms after the third; a later barrier shows there is none.
    await produce(p, t, ['after'], { AMQ_SCHEDULED_DELAY: '80' });
    expect(text(await c.next('MESSAGE'))).toBe('after');
  });

  it.each([
    ['AMQ_SCHEDULED_DELAY', '-5'],
    ['AMQ_SCHEDULED_DELAY', 'soon'],
    ['AMQ_SCHEDULED_PERIOD', '-1'],
    ['AMQ_SCHEDULED_REPEAT', '1.5'],
  ])('ActiveMQ scheduler: %s:%j -> ERROR INVALID_HEADER', async (name, value) => {
    const c = await tb.client();
    c.send('SEND', { destination: fresh('/queue/'), [name]: value }, 'x');
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('INVALID_HEADER');
    expect(text(e)).toContain(name);
  });

  it('ActiveMQ scheduler: a scheduled SEND in a transaction is scheduled at COMMIT and never after ABORT', async () => {
    const q = fresh('/queue/');
    const c = await tb.client();
    await subscribe(c, { destination: q, id: 's' });
    const p = await tb.client();
    p.send('BEGIN', { transaction: 'a' });
    p.send('SEND', { destination: q, transaction: 'a', AMQ_SCHEDULED_DELAY: '10' }, 'aborted');
    p.send('ABORT', { transaction: 'a' });
    p.send('BEGIN', { transaction: 'b' });
    p.send('SEND', { destination: q, transaction: 'b', AMQ_SCHEDULED_DELAY: '10' }, 'committed');
    p.send('COMMIT', { transaction: 'b', receipt: 'c' });
    await p.next('RECEIPT');
    expect(text(await c.next('MESSAGE'))).toBe('committed');
    expect(await c.barrier()).toEqual([]);
  });
});

describe('scheduled messages across a restart', () => {
  it('ActiveMQ scheduler: a persistent scheduled topic message survives a restart and reaches the durable subscription', async () => {
    const store = new MemoryMessageStore();
    const topic = fresh('/topic/');
    const first = await startBroker({ store });
    try {
      const c = await withClientId(first, 'sched-app');
      await subscribe(c, { destination: topic, id: 'd', 'activemq.subscriptionName': 'later' });
      c.send('UNSUBSCRIBE', { id: 'd', receipt: 'off' });
      await c.next('RECEIPT');
      await produce(c, topic, ['delayed'], { persistent: 'true', AMQ_SCHEDULED_DELAY: '200' });
      await produce(c, '/queue/sched-q', ['delayed-queue'], { persistent: 'true', AMQ_SCHEDULED_DELAY: '200' });
      expect(store.count('scheduler')).toBe(2);
    } finally {
      await first.stop();
    }
    const second = await startBroker({ store });
    try {
      const c = await withClientId(second, 'sched-app');
      c.send('SUBSCRIBE', { destination: topic, id: 'd', 'activemq.subscriptionName': 'later' });
      c.send('SUBSCRIBE', { destination: '/queue/sched-q', id: 'q' });
      expect(bodies(await messages(c, 2)).sort()).toEqual(['delayed', 'delayed-queue']);
      expect(store.count('scheduler')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});

describe('scheduler disabled', () => {
  it('ActiveMQ schedulerSupport=false: AMQ_SCHEDULED_DELAY is ignored and the message is delivered at once', async () => {
    const off = await startBroker({ schedulerSupport: false });
    try {
      const q = fresh('/queue/');
      const c = await off.client();
      await subscribe(c, { destination: q, id: 's' });
      const p = await off.client();
      await produce(p, q, ['first'], { AMQ_SCHEDULED_DELAY: '60000' });
      await produce(p, q, ['second']);
      expect(bodies(await messages(c, 2))).toEqual(['first', 'second']);
    } finally {
      await off.stop();
    }
  });
});
