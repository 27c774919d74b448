import { describe, expect, it } from 'vitest';
import { sharedBroker } from '../helpers/broker.js';
import { text } from '../helpers/raw-client.js';
import { fresh, produce, subscribe } from './helpers.js';

const tb = sharedBroker();

const cases: Array<[string, string, string, Record<string, string>]> = [
  ['JMS 1.1 §3.8.1.1: an unparsable selector', 'INVALID_SELECTOR', 'SUBSCRIBE', { destination: '/queue/bad.sel', id: 's', selector: 'a = = 1' }],
  ['JMS 1.1 §6.11.1: a durable subscription without a client id', 'MISSING_HEADER', 'SUBSCRIBE', { destination: '/topic/bad.dur', id: 's', 'activemq.subscriptionName': 'x' }],
  ['JMS 1.1 §3.4.10: priority 42', 'INVALID_HEADER', 'SEND', { destination: '/queue/bad.prio', priority: '42' }],
  ['ActiveMQ scheduler: a negative AMQ_SCHEDULED_DELAY', 'INVALID_HEADER', 'SEND', { destination: '/queue/bad.delay', AMQ_SCHEDULED_DELAY: '-100' }],
  ['ActiveMQ wildcards: a SEND to a wildcard', 'INVALID_DESTINATION', 'SEND', { destination: '/topic/bad.>' }],
  ['ActiveMQ composite destinations: a composite SUBSCRIBE', 'INVALID_DESTINATION', 'SUBSCRIBE', { destination: '/queue/a,/queue/b', id: 's' }],
];

describe('bad input', () => {
  it.each(cases)('%s -> ERROR %s with the receipt-id, the connection closes, the broker carries on', async (_title, code, command, headers) => {
    const bad = await tb.client();
    bad.send(command, { ...headers, receipt: 'bad' }, command === 'SEND' ? 'payload' : undefined);
    const e = await bad.next('ERROR');
    expect(e.headers.code).toBe(code);
    expect(e.headers['receipt-id']).toBe('bad');
    expect(text(e).length).toBeGreaterThan(0);
    await bad.waitClosed();
    const q = fresh('/queue/');
    const c = await tb.client();
    await subscribe(c, { destination: q, id: 'ok' });
    await produce(await tb.client(), q, ['still here']);
    expect(text(await c.next('MESSAGE'))).toBe('still here');
    expect(tb.broker.stats().destinations.find((d) => d.destination === headers.destination)?.depth ?? 0).toBe(0);
  });
});
