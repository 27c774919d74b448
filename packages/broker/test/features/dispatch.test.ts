import { describe, expect, it } from 'vitest';
import { sharedBroker } from '../helpers/broker.js';
import { text } from '../helpers/raw-client.js';
import { bodies, fresh, messages, produce, subscribe } from './helpers.js';

const tb = sharedBroker({ defaultPolicy: { maxPageSize: 10 } });

describe('queue browsing', () => {
  it('ActiveMQ browser:true: the whole queue is browsed (far beyond one page), then browser:end with an empty body; nothing is consumed', async () => {
    const q = fresh('/queue/');
    const p = await tb.client();
    const sent = Array.from({ length: 450 }, (_, i) => `m${i}`);
    await produce(p, q, sent, { persistent: 'true' });
    const b = await tb.client();
    b.send('SUBSCRIBE', { destination: q, id: 'br', browser: 'true' });
    const seen = await messages(b, 450);
    expect(bodies(seen)).toEqual(sent);
    expect(seen[0]!.headers.ack).toBeUndefined();
    const end = await b.next('MESSAGE');
    expect(end.headers.browser).toBe('end');
    expect(end.body.byteLength).toBe(0);
    b.send('UNSUBSCRIBE', { id: 'br', receipt: 'u' });
    await b.next('RECEIPT');
    expect(tb.broker.stats().destinations.find((d) => d.destination === q)?.depth).toBe(450);
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 's' });
    expect(bodies(await messages(c, 450))).toEqual(sent);
  });

  it('ActiveMQ browser:true: an empty queue gives just browser:end', async () => {
    const b = await tb.client();
    b.send('SUBSCRIBE', { destination: fresh('/queue/'), id: 'br', browser: 'true' });
    expect((await b.next('MESSAGE')).headers.browser).toBe('end');
  });

  it('ActiveMQ browser:true: browsing a topic -> ERROR INVALID_DESTINATION', async () => {
    const b = await tb.client();
    b.send('SUBSCRIBE', { destination: fresh('/topic/'), id: 'br', browser: 'true' });
    expect((await b.next('ERROR')).headers.code).toBe('INVALID_DESTINATION');
  });
});

describe('exclusive consumers', () => {
  it('ActiveMQ activemq.exclusive: one consumer receives every message while it lives; the next exclusive consumer takes over when it leaves', async () => {
    const q = fresh('/queue/');
    const first = await tb.client();
    await subscribe(first, { destination: q, id: 'x1', 'activemq.exclusive': 'true', ack: 'client' });
    const second = await tb.client();
    await subscribe(second, { destination: q, id: 'x2', 'activemq.exclusive': 'true' });
    const plain = await tb.client();
    await subscribe(plain, { destination: q, id: 'p' });
    const p = await tb.client();
    await produce(p, q, ['a', 'b', 'c', 'd']);
    const got = await messages(first, 4);
    expect(bodies(got)).toEqual(['a', 'b', 'c', 'd']);
    expect(await second.barrier()).toEqual([]);
    expect(await plain.barrier()).toEqual([]);
    // Cumulative ACK up to 'c': 'd' stays unacknowledged and goes to the new owner first.
    first.send('ACK', { id: got[2]!.headers.ack! });
    first.close();
    await first.waitClosed();
    await produce(p, q, ['e']);
    const failover = await messages(second, 2);
    expect(bodies(failover)).toEqual(['d', 'e']);
    expect(failover[0]!.headers.redelivered).toBe('true');
    expect(await plain.barrier()).toEqual([]);
  });
});

describe('message groups', () => {
  it('ActiveMQ message groups: messages of one JMSXGroupID go to one consumer; JMSXGroupSeq passes through', async () => {
    const q = fresh('/queue/');
    const a = await tb.client();
    await subscribe(a, { destination: q, id: 'a' });
    const b = await tb.client();
    await subscribe(b, { destination: q, id: 'b' });
    const p = await tb.client();
    for (let i = 1; i <= 3; i++) {
      await produce(p, q, [`g1-${i}`], { JMSXGroupID: 'g1', JMSXGroupSeq: String(i) });
      await produce(p, q, [`g2-${i}`], { JMSXGroupID: 'g2', JMSXGroupSeq: String(i) });
    }
    const fromA = await a.barrier();
    const fromB = await b.barrier();
    const groupsOf = (frames: typeof fromA) => new Set(frames.map((f) => f.headers.JMSXGroupID));
    expect(fromA.length + fromB.length).toBe(6);
    expect([...groupsOf(fromA)].length).toBeLessThanOrEqual(1);
    expect([...groupsOf(fromB)].length).toBeLessThanOrEqual(1);
    expect(fromA.concat(fromB).find((f) => text(f) === 'g1-2')?.headers.JMSXGroupSeq).toBe('2');
  });

  it('ActiveMQ message groups: when the group owner leaves, the group is reassigned to a remaining consumer', async () => {
    const q = fresh('/queue/');
    const a = await tb.client();
    await subscribe(a, { destination: q, id: 'a' });
    const p = await tb.client();
    await produce(p, q, ['first'], { JMSXGroupID: 'sticky' });
    expect(text(await a.next('MESSAGE'))).toBe('first');
    const b = await tb.client();
    await subscribe(b, { destination: q, id: 'b' });
    await produce(p, q, ['second', 'third'], { JMSXGroupID: 'sticky' });
    expect(bodies(await messages(a, 2))).toEqual(['second', 'third']);
    expect(await b.barrier()).toEqual([]);
    a.send('UNSUBSCRIBE', { id: 'a', receipt: 'u' });
    await a.next('RECEIPT');
    await produce(p, q, ['fourth'], { JMSXGroupID: 'sticky' });
    expect(text(await b.next('MESSAGE'))).toBe('fourth');
  });

  it('ActiveMQ message groups: a group whose owner has no room waits; other messages still flow to other consumers', async () => {
    const q = fresh('/queue/');
    const a = await tb.client();
    await subscribe(a, { destination: q, id: 'a', ack: 'client-individual', 'activemq.prefetchSize': '1' });
    const p = await tb.client();
    await produce(p, q, ['g-1'], { JMSXGroupID: 'busy' });
    const held = await a.next('MESSAGE');
    const b = await tb.client();
    await subscribe(b, { destination: q, id: 'b' });
    await produce(p, q, ['g-2'], { JMSXGroupID: 'busy' });
    await produce(p, q, ['free']);
    expect(text(await b.next('MESSAGE'))).toBe('free');
    expect(await b.barrier()).toEqual([]);
    a.send('ACK', { id: held.headers.ack! });
    expect(text(await a.next('MESSAGE'))).toBe('g-2');
  });
});
