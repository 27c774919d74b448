import { describe, expect, it } from 'vitest';
import { sharedBroker } from '../helpers/broker.js';
import { text } from '../helpers/raw-client.js';
import { bodies, fresh, messages, produce, subscribe } from './helpers.js';

const tb = sharedBroker();

describe('message selectors over STOMP', () => {
  it('JMS 1.1 §3.8.1.2 null values, three-valued logic: a comparison with a missing property is UNKNOWN and NOT UNKNOWN does not select', async () => {
    const q = fresh('/queue/');
    const p = await tb.client();
    await produce(p, q, ['with-5'], { weight: '5' });
    await produce(p, q, ['with-20'], { weight: '20' });
    await produce(p, q, ['without']);
    const c = await tb.client();
    await subscribe(c, { destination: q, id: 'light', selector: 'NOT (weight > 10)' });
    expect(text(await c.next('MESSAGE'))).toBe('with-5');
    expect(await c.barrier()).toEqual([]);
    const nulls = await tb.client();
    await subscribe(nulls, { destination: q, id: 'none', selector: 'weight IS NULL OR weight > 10' });
    expect(bodies(await messages(nulls, 2)).sort()).toEqual(['with-20', 'without']);
  });

  it('JMS 1.1 §3.8.1: a queue message no consumer selects waits for a later matching consumer without holding back the messages behind it', async () => {
    const q = fresh('/queue/');
    const p = await tb.client();
    await produce(p, q, ['red-1'], { color: 'red' });
    await produce(p, q, ['blue-1', 'blue-2'], { color: 'blue' });
    const blue = await tb.client();
    await subscribe(blue, { destination: q, id: 'b', selector: "color = 'blue'" });
    expect(bodies(await messages(blue, 2))).toEqual(['blue-1', 'blue-2']);
    const red = await tb.client();
    await subscribe(red, { destination: q, id: 'r', selector: "color = 'red'" });
    expect(text(await red.next('MESSAGE'))).toBe('red-1');
  });

  it('JMS 1.1 §3.8.1: selectors can test JMSPriority and the JMSX delivery properties', async () => {
    const q = fresh('/queue/');
    const p = await tb.client();
    await produce(p, q, ['low'], { priority: '1' });
    await produce(p, q, ['high'], { priority: '8' });
    const c = await tb.client();
    await subscribe(c, { destination: q, id: 's', selector: 'JMSPriority > 4 AND JMSXDeliveryCount = 1' });
    expect(text(await c.next('MESSAGE'))).toBe('high');
    expect(await c.barrier()).toEqual([]);
  });

  it('JMS 1.1 §3.8.1.1: an unparsable selector -> ERROR INVALID_SELECTOR naming the position and what was expected; the broker carries on', async () => {
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: fresh('/queue/'), id: 's', selector: "color = 'red' AND" });
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('INVALID_SELECTOR');
    expect(e.headers.message).toMatch(/position 17: expected .+ but found end of input/);
    expect(text(e)).toContain("color = 'red' AND");
    await c.waitClosed();
    const other = await tb.client();
    const q = fresh('/queue/');
    await subscribe(other, { destination: q, id: 'ok' });
    await produce(await tb.client(), q, ['still-serving']);
    expect(text(await other.next('MESSAGE'))).toBe('still-serving');
  });

  it('ActiveMQ browser:true: a browser with a selector sees only the messages it selects', async () => {
    const q = fresh('/queue/');
    const p = await tb.client();
    await produce(p, q, ['a'], { kind: 'keep' });
    await produce(p, q, ['b'], { kind: 'skip' });
    const c = await tb.client();
    c.send('SUBSCRIBE', { destination: q, id: 'br', browser: 'true', selector: "kind = 'keep'" });
    expect(text(await c.next('MESSAGE'))).toBe('a');
    expect((await c.next('MESSAGE')).headers.browser).toBe('end');
  });
});
