import { describe, expect, it } from 'vitest';
import { startBroker } from './helpers/broker.js';
import { RawStompClient, text } from './helpers/raw-client.js';

/** Polls `predicate` every 10 ms; fails after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('broker lifecycle', () => {
  it('stop() closes every connection and the listeners', async () => {
    const tb = await startBroker();
    const tcp = await tb.client();
    const ws = await RawStompClient.ws(tb.wsUrl);
    await ws.connect();
    await tb.broker.stop();
    await tcp.waitClosed();
    await ws.waitClosed();
    await expect(RawStompClient.tcp(tb.stompPort)).rejects.toThrow();
    await tb.stop();
  });

  it('addresses() reports the real port of a connector configured with port 0', async () => {
    const tb = await startBroker();
    const [stomp, ws] = tb.broker.addresses();
    expect(stomp).toMatchObject({ protocol: 'stomp', host: '127.0.0.1' });
    expect(stomp!.port).toBeGreaterThan(0);
    expect(stomp!.url).toBe(`stomp://127.0.0.1:${stomp!.port}`);
    expect(ws!.port).toBeGreaterThan(0);
    await tb.stop();
  });

  it('ActiveMQ maximumConnections: the connection beyond the limit gets an ERROR and is closed; a slot freed is reusable', async () => {
    const tb = await startBroker({}, { maximumConnections: 2 });
    try {
      const a = await tb.client();
      await tb.client();
      const refused = await RawStompClient.tcp(tb.stompPort);
      const e = await refused.next('ERROR');
      expect(e.headers.code).toBe('MAX_CONNECTIONS');
      await refused.waitClosed();
      a.send('DISCONNECT', { receipt: 'bye' });
      await a.next('RECEIPT');
      await a.waitClosed();
      await until(() => tb.broker.stats().connections === 1, 3_000, 'connection count 1');
      const c = await tb.client();
      expect(c.isClosed).toBe(false);
    } finally {
      await tb.stop();
    }
  });

  it('ActiveMQ cursor: a queue deeper than maxPageSize delivers everything, in order', async () => {
    const tb = await startBroker({ defaultPolicy: { maxPageSize: 5 } });
    try {
      const p = await tb.client();
      const bodies = Array.from({ length: 40 }, (_, i) => `m${i}`);
      for (const [i, b] of bodies.entries()) p.send('SEND', { destination: '/queue/deep', receipt: `r${i}` }, b);
      for (let i = 0; i < bodies.length; i++) await p.next('RECEIPT');
      expect(tb.broker.stats().destinations.find((d) => d.destination === '/queue/deep')?.depth).toBe(40);
      const c = await tb.client();
      c.send('SUBSCRIBE', { destination: '/queue/deep', id: 's', ack: 'client-individual', 'activemq.prefetchSize': '3' });
      const got: string[] = [];
      while (got.length < bodies.length) {
        const m = await c.next('MESSAGE');
        got.push(text(m));
        c.send('ACK', { id: m.headers.ack! });
      }
      expect(got).toEqual(bodies);
    } finally {
      await tb.stop();
    }
  });

  it('ActiveMQ browser:true: browsing a queue deeper than maxPageSize includes messages not paged in, in order', async () => {
    const tb = await startBroker({ defaultPolicy: { maxPageSize: 5 } });
    try {
      const p = await tb.client();
      const bodies = Array.from({ length: 12 }, (_, i) => `m${i}`);
      for (const [i, b] of bodies.entries()) p.send('SEND', { destination: '/queue/browse-deep', receipt: `r${i}` }, b);
      for (let i = 0; i < bodies.length; i++) await p.next('RECEIPT');
      const c = await tb.client();
      c.send('SUBSCRIBE', { destination: '/queue/browse-deep', id: 'b', browser: 'true' });
      const got: string[] = [];
      for (;;) {
        const m = await c.next('MESSAGE');
        if (m.headers.browser === 'end') break;
        got.push(text(m));
      }
      expect(got).toEqual(bodies);
    } finally {
      await tb.stop();
    }
  });

  it('ActiveMQ redeliveryPolicy: a message NACKed more than maximumRedeliveries times goes to ActiveMQ.DLQ', async () => {
    const tb = await startBroker({ redeliveryPolicy: { maximumRedeliveries: 1 } });
    try {
      const c = await tb.client();
      c.send('SUBSCRIBE', { destination: '/queue/poison', id: 's', ack: 'client-individual' });
      c.send('SEND', { destination: '/queue/poison', persistent: 'true' }, 'poison');
      for (let i = 0; i < 2; i++) {
        const m = await c.next('MESSAGE');
        c.send('NACK', { id: m.headers.ack! });
      }
      c.send('SUBSCRIBE', { destination: '/queue/ActiveMQ.DLQ', id: 'dlq' });
      const dead = await c.next('MESSAGE');
      expect(dead.headers.subscription).toBe('dlq');
      expect(text(dead)).toBe('poison');
      expect(dead.headers['original-destination']).toBe('/queue/poison');
    } finally {
      await tb.stop();
    }
  });
});

describe('backpressure', () => {
  it('a consumer that stops reading is not written to without bound: messages stay in the queue', async () => {
    const tb = await startBroker();
    try {
      const consumer = await tb.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/slow', id: 's', receipt: 'r' });
      await consumer.next('RECEIPT');
      consumer.pause();
      const producer = await tb.client();
      const body = 'x'.repeat(64 * 1024);
      const total = 400; // 25 MiB: far more than socket buffers hold
      for (let i = 0; i < total; i++) producer.send('SEND', { destination: '/queue/slow', receipt: `r${i}` }, body);
      for (let i = 0; i < total; i++) await producer.next('RECEIPT', 10_000);
      const q = tb.broker.stats().destinations.find((d) => d.destination === '/queue/slow')!;
      // Auto ack: what was written left the queue; the rest waits because the socket is full.
      expect(q.depth).toBeGreaterThan(total / 2);
      expect(q.enqueued).toBe(total);
    } finally {
      await tb.stop();
    }
  });
});

describe('authentication', () => {
  it('ActiveMQ simpleAuthenticationPlugin: a wrong passcode or a missing login gets ERROR AUTHENTICATION_FAILED; a configured user connects', async () => {
    const tb = await startBroker({
      authentication: {
        users: [{ username: 'alice', password: 's3cret', groups: ['users'] }],
        anonymousAccessAllowed: false,
        anonymousUser: 'anonymous',
        anonymousGroup: 'anonymous',
      },
    });
    try {
      const wrong = await RawStompClient.tcp(tb.stompPort);
      wrong.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', login: 'alice', passcode: 'nope' });
      expect((await wrong.next('ERROR')).headers.code).toBe('AUTHENTICATION_FAILED');
      await wrong.waitClosed();
      const anonymous = await RawStompClient.tcp(tb.stompPort);
      anonymous.send('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
      expect((await anonymous.next('ERROR')).headers.code).toBe('AUTHENTICATION_FAILED');
      const ok = await RawStompClient.tcp(tb.stompPort);
      const f = await ok.connect({ 'accept-version': '1.2', host: 'localhost', login: 'alice', passcode: 's3cret' });
      expect(f.command).toBe('CONNECTED');
      ok.close();
    } finally {
      await tb.stop();
    }
  });
});

describe('delayed delivery', () => {
  it('ActiveMQ AMQ_SCHEDULED_DELAY: a scheduled message is delivered after messages sent later without delay', async () => {
    const tb = await startBroker();
    try {
      const c = await tb.client();
      c.send('SUBSCRIBE', { destination: '/queue/later', id: 's', receipt: 'r' });
      await c.next('RECEIPT');
      c.send('SEND', { destination: '/queue/later', AMQ_SCHEDULED_DELAY: '200' }, 'delayed');
      c.send('SEND', { destination: '/queue/later' }, 'now');
      expect(text(await c.next('MESSAGE'))).toBe('now');
      expect(text(await c.next('MESSAGE', 3_000))).toBe('delayed');
    } finally {
      await tb.stop();
    }
  });

  it('ActiveMQ redeliveryPolicy initialRedeliveryDelay: a NACKed message comes back after the delay, behind newer messages', async () => {
    const tb = await startBroker({ redeliveryPolicy: { initialRedeliveryDelay: 200 } });
    try {
      const c = await tb.client();
      c.send('SUBSCRIBE', { destination: '/queue/backoff', id: 's', ack: 'client-individual' });
      c.send('SEND', { destination: '/queue/backoff' }, 'first');
      const first = await c.next('MESSAGE');
      c.send('NACK', { id: first.headers.ack! });
      c.send('SEND', { destination: '/queue/backoff' }, 'second');
      const next = await c.next('MESSAGE');
      expect(text(next)).toBe('second');
      c.send('ACK', { id: next.headers.ack! });
      const again = await c.next('MESSAGE', 3_000);
      expect(text(again)).toBe('first');
      expect(again.headers.redelivered).toBe('true');
    } finally {
      await tb.stop();
    }
  });
});

describe('topic producer flow control', () => {
  it('ActiveMQ producerFlowControl: a topic publisher waits while a slow subscriber holds memoryLimit bytes, then everything arrives', async () => {
    const limit = 256 * 1024;
    const tb = await startBroker({ systemUsage: { memoryLimit: limit } });
    try {
      const slow = await tb.client();
      slow.send('SUBSCRIBE', { destination: '/topic/firehose', id: 's', receipt: 'r' });
      await slow.next('RECEIPT');
      slow.pause();
      const producer = await tb.client();
      const total = 1500;
      const body = 'f'.repeat(4096); // 6 MiB in all, far above the limit
      for (let i = 0; i < total; i++) producer.send('SEND', { destination: '/topic/firehose', receipt: `r${i}` }, body);
      let peak = 0;
      await until(() => {
        peak = Math.max(peak, tb.broker.stats().memoryBytes);
        return peak >= limit;
      }, 5_000, 'memory limit reached');
      slow.resume();
      let received = 0;
      while (received < total) {
        peak = Math.max(peak, tb.broker.stats().memoryBytes);
        const f = await slow.next('MESSAGE', 5_000);
        expect(f.body.length).toBe(4096);
        received++;
      }
      for (let i = 0; i < total; i++) await producer.next('RECEIPT', 5_000);
      // Bounded by the limit plus what one read from the publisher's socket can carry.
      expect(peak).toBeLessThan(limit + 2 * 1024 * 1024);
      expect(tb.broker.stats().memoryBytes).toBe(0);
    } finally {
      await tb.stop();
    }
  });
});

describe('queue producer flow control', () => {
  it('ActiveMQ producerFlowControl: a producer of non-persistent messages waits at memoryLimit instead of failing, then everything arrives', async () => {
    const limit = 256 * 1024;
    const tb = await startBroker({ systemUsage: { memoryLimit: limit } });
    try {
      const producer = await tb.client();
      const total = 1500;
      const body = 'q'.repeat(4096);
      for (let i = 0; i < total; i++) producer.send('SEND', { destination: '/queue/pfc', receipt: `r${i}` }, body);
      let peak = 0;
      await until(() => {
        peak = Math.max(peak, tb.broker.stats().memoryBytes);
        return peak >= limit;
      }, 5_000, 'memory limit reached');
      const consumer = await tb.client();
      consumer.send('SUBSCRIBE', { destination: '/queue/pfc', id: 's' });
      for (let i = 0; i < total; i++) {
        peak = Math.max(peak, tb.broker.stats().memoryBytes);
        expect(text(await consumer.next('MESSAGE', 5_000)).length).toBe(4096);
      }
      for (let i = 0; i < total; i++) await producer.next('RECEIPT', 5_000);
      expect(peak).toBeLessThan(limit + 2 * 1024 * 1024);
      await until(() => tb.broker.stats().memoryBytes === 0, 3_000, 'memory released');
    } finally {
      await tb.stop();
    }
  });

  it('ActiveMQ sendFailIfNoSpace: at memoryLimit a non-persistent SEND fails with ERROR MEMORY_FULL', async () => {
    const tb = await startBroker({ systemUsage: { memoryLimit: 64 * 1024, sendFailIfNoSpace: true } });
    try {
      const producer = await tb.client();
      const body = 'm'.repeat(4096);
      let error;
      for (let i = 0; i < 100 && !error; i++) {
        producer.send('SEND', { destination: '/queue/nospace', receipt: `r${i}` }, body);
        const f = await producer.next();
        if (f.command === 'ERROR') error = f;
      }
      expect(error?.headers.code).toBe('MEMORY_FULL');
    } finally {
      await tb.stop();
    }
  });
});
