import { describe, expect, it } from 'vitest';
import { sharedBroker, startBroker } from './helpers/broker.js';
import { RawStompClient, text } from './helpers/raw-client.js';

const tb = sharedBroker();

const raw = () => RawStompClient.tcp(tb.stompPort);

/** The connection stays usable: a receipt comes back for a SEND. */
async function assertWorking(c: RawStompClient): Promise<void> {
  c.send('SEND', { destination: '/queue/still-working', receipt: 'alive' }, 'x');
  const r = await c.next('RECEIPT');
  expect(r.headers['receipt-id']).toBe('alive');
}

describe('connection and version negotiation', () => {
  it('STOMP 1.2 §Protocol Negotiation: the highest common version is chosen and CONNECTED names it', async () => {
    const c = await raw();
    const f = await c.connect({ 'accept-version': '1.0,1.1,1.2', host: 'localhost' });
    expect(f.headers.version).toBe('1.2');
    expect(f.headers.server).toBe('tsmq/0.1.0');
    expect(f.headers.session).toBeTruthy();
    c.close();
  });

  it('STOMP 1.2 §Protocol Negotiation: accept-version 1.1 gets 1.1', async () => {
    const c = await raw();
    const f = await c.connect({ 'accept-version': '1.1', host: 'localhost' });
    expect(f.headers.version).toBe('1.1');
    c.close();
  });

  it('STOMP 1.2 §Protocol Negotiation: a CONNECT without accept-version speaks 1.0', async () => {
    const c = await raw();
    const f = await c.connect({});
    expect(f.command).toBe('CONNECTED');
    expect(f.headers.version).toBeUndefined();
    c.send('SUBSCRIBE', { destination: '/queue/v10' });
    c.send('SEND', { destination: '/queue/v10' }, 'hello 1.0');
    const m = await c.next('MESSAGE');
    expect(text(m)).toBe('hello 1.0');
    // 1.0 SUBSCRIBE without id: the destination is the subscription id
    expect(m.headers.subscription).toBe('/queue/v10');
    c.close();
  });

  it('STOMP 1.2 §Protocol Negotiation: no common version -> ERROR listing the supported versions, then close', async () => {
    const c = await raw();
    c.send('CONNECT', { 'accept-version': '2.0,3.1', host: 'localhost' });
    const e = await c.next('ERROR');
    expect(e.headers.version).toBe('1.0,1.1,1.2');
    expect(e.headers.code).toBe('UNSUPPORTED_VERSION');
    expect(text(e)).toContain('1.0 1.1 1.2');
    await c.waitClosed();
  });

  it('STOMP 1.2 §Connecting: the STOMP command connects like CONNECT', async () => {
    const c = await raw();
    c.send('STOMP', { 'accept-version': '1.2', host: 'localhost' });
    expect((await c.next('CONNECTED')).headers.version).toBe('1.2');
    c.close();
  });

  it('STOMP 1.2 §Connecting: a frame before CONNECT -> ERROR NOT_CONNECTED and close', async () => {
    const c = await raw();
    c.send('SEND', { destination: '/queue/x', receipt: 'r1' }, 'too early');
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('NOT_CONNECTED');
    expect(e.headers['receipt-id']).toBe('r1');
    await c.waitClosed();
  });
});

describe('receipts', () => {
  it('STOMP 1.2 §Header receipt: every client frame that may carry a receipt gets a RECEIPT with its receipt-id', async () => {
    const c = await tb.client();
    const frames: Array<[string, Record<string, string>]> = [
      ['SUBSCRIBE', { destination: '/queue/receipts', id: 's1', ack: 'client-individual', receipt: 'r-sub' }],
      ['SEND', { destination: '/queue/receipts', receipt: 'r-send' }],
    ];
    for (const [command, headers] of frames) c.send(command, headers, command === 'SEND' ? 'body' : undefined);
    const got = new Map<string, string>();
    let message;
    while (got.size < 2 || !message) {
      const f = await c.next();
      if (f.command === 'RECEIPT') got.set(f.headers['receipt-id']!, f.command);
      else if (f.command === 'MESSAGE') message = f;
    }
    expect([...got.keys()].sort()).toEqual(['r-send', 'r-sub']);
    c.send('NACK', { id: message.headers.ack!, receipt: 'r-nack' });
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r-nack');
    const again = await c.next('MESSAGE');
    c.send('ACK', { id: again.headers.ack!, receipt: 'r-ack' });
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r-ack');
    for (const [command, id] of [
      ['BEGIN', 'r-begin'],
      ['COMMIT', 'r-commit'],
    ] as const) {
      c.send(command, { transaction: 't1', receipt: id });
      expect((await c.next('RECEIPT')).headers['receipt-id']).toBe(id);
    }
    c.send('BEGIN', { transaction: 't2' });
    c.send('ABORT', { transaction: 't2', receipt: 'r-abort' });
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r-abort');
    c.send('UNSUBSCRIBE', { id: 's1', receipt: 'r-unsub' });
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r-unsub');
    c.send('DISCONNECT', { receipt: 'r-disc' });
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r-disc');
    await c.waitClosed();
  });
});

describe('DISCONNECT', () => {
  it('STOMP 1.2 §DISCONNECT: the receipt comes after the receipts of every earlier SEND, even those still being stored', async () => {
    // A journal broker, so that each SEND waits for an fsync before its receipt.
    const journal = await startBroker({ persistent: true });
    const c = await journal.client();
    // Sent back to back, without waiting: the DISCONNECT arrives while the SENDs' store writes are pending.
    for (let i = 0; i < 5; i++) c.send('SEND', { destination: '/queue/disconnect.receipts', persistent: 'true', receipt: `s-${i}` }, `m${i}`);
    c.send('DISCONNECT', { receipt: 'r-disc' });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await c.next('RECEIPT')).headers['receipt-id']!);
    expect(ids).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4', 'r-disc']);
    await c.waitClosed();
    await journal.stop();
  });
});

describe('ERROR frames', () => {
  const cases: Array<[string, (c: RawStompClient) => void, string]> = [
    ['STOMP 1.2 §SEND: SEND without destination', (c) => c.send('SEND', { receipt: 'bad-1' }, 'x'), 'MISSING_HEADER'],
    [
      'STOMP 1.2 §SUBSCRIBE id Header: SUBSCRIBE without id',
      (c) => c.send('SUBSCRIBE', { destination: '/queue/q', receipt: 'bad-1' }),
      'MISSING_HEADER',
    ],
    ['STOMP 1.2 §ACK: ACK of an unknown id', (c) => c.send('ACK', { id: 'nope', receipt: 'bad-1' }), 'UNKNOWN_ACK_ID'],
    [
      'STOMP 1.2 §SEND: a destination with an unknown prefix',
      (c) => c.send('SEND', { destination: 'orders', receipt: 'bad-1' }, 'x'),
      'INVALID_DESTINATION',
    ],
    [
      'STOMP 1.2 §COMMIT: COMMIT of an unknown transaction',
      (c) => c.send('COMMIT', { transaction: 'never-begun', receipt: 'bad-1' }),
      'UNKNOWN_TRANSACTION',
    ],
    [
      'STOMP 1.2 §SEND: SEND in an unknown transaction',
      (c) => c.send('SEND', { destination: '/queue/q', transaction: 'never-begun', receipt: 'bad-1' }),
      'UNKNOWN_TRANSACTION',
    ],
  ];
  for (const [title, act, code] of cases) {
    it(`${title} -> ERROR ${code} with receipt-id, then close; other connections keep working`, async () => {
      const bystander = await tb.client();
      const c = await tb.client();
      act(c);
      const e = await c.next('ERROR');
      expect(e.headers.code).toBe(code);
      expect(e.headers['receipt-id']).toBe('bad-1');
      expect(e.headers['content-type']).toBe('text/plain');
      expect(e.headers.message).toBeTruthy();
      expect(text(e).length).toBeGreaterThan(0);
      await c.waitClosed();
      await assertWorking(bystander);
      bystander.close();
    });
  }

  it('STOMP 1.2 §Frames and Headers: an unknown command -> ERROR UNKNOWN_COMMAND naming it, then close', async () => {
    const bystander = await tb.client();
    const c = await tb.client();
    // Rejected at the command line, before any header is read: there is no receipt-id to echo.
    c.sendRaw('FROB\nreceipt:bad-1\n\n\0');
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('UNKNOWN_COMMAND');
    expect(text(e)).toContain('FROB');
    await c.waitClosed();
    await assertWorking(bystander);
    bystander.close();
  });

  it('STOMP 1.2 §Frames and Headers: a malformed header line -> ERROR quoting it, then close', async () => {
    const c = await tb.client();
    c.sendRaw('SEND\ndestination:/queue/q\nno-colon-here\n\nbody\0');
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('MALFORMED_HEADER');
    expect(text(e)).toContain('no-colon-here');
    await c.waitClosed();
  });

  it('STOMP 1.2 §BEGIN: BEGIN of a transaction already begun -> ERROR', async () => {
    const c = await tb.client();
    c.send('BEGIN', { transaction: 'tx' });
    c.send('BEGIN', { transaction: 'tx', receipt: 'dup' });
    const e = await c.next('ERROR');
    expect(e.headers.code).toBe('DUPLICATE_TRANSACTION');
    expect(e.headers['receipt-id']).toBe('dup');
    await c.waitClosed();
  });

  it('STOMP 1.2 §Size Limits: a frame larger than maxFrameSize -> ERROR FRAME_TOO_LARGE while other connections work', async () => {
    const small = await startBroker({}, { maxFrameSize: 1024 });
    try {
      const bystander = await small.client();
      const c = await small.client();
      c.send('SEND', { destination: '/queue/big' }, 'x'.repeat(4096));
      const e = await c.next('ERROR');
      expect(e.headers.code).toBe('FRAME_TOO_LARGE');
      await c.waitClosed();
      bystander.send('SEND', { destination: '/queue/big', receipt: 'ok' }, 'x'.repeat(100));
      expect((await bystander.next('RECEIPT')).headers['receipt-id']).toBe('ok');
    } finally {
      await small.stop();
    }
  });
});

describe('heart-beating', () => {
  it('STOMP 1.2 §Heart-beating: CONNECTED answers with the client rates and the broker sends EOLs at the rate the client wants', async () => {
    const c = await raw();
    const f = await c.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,50' });
    expect(f.headers['heart-beat']).toBe('50,0');
    const deadline = Date.now() + 3_000;
    while (c.heartbeats < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(c.heartbeats).toBeGreaterThanOrEqual(3);
    c.close();
  });

  it('STOMP 1.2 §Heart-beating: a client silent beyond the grace period is disconnected; one that beats stays', async () => {
    const silent = await raw();
    await silent.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '60,0' });
    const beating = await raw();
    const f = await beating.connect({ 'accept-version': '1.2', host: 'localhost', 'heart-beat': '60,0' });
    expect(f.headers['heart-beat']).toBe('0,60');
    const beat = setInterval(() => beating.sendRaw('\n'), 30);
    try {
      await silent.waitClosed(3_000);
      expect(beating.isClosed).toBe(false);
      await assertWorking(beating);
    } finally {
      clearInterval(beat);
      beating.close();
    }
  });

  it('ActiveMQ transport.defaultHeartBeat: applies to a client that sends no heart-beat header', async () => {
    const hb = await startBroker({}, { defaultHeartBeat: [50, 0] });
    try {
      const c = await RawStompClient.tcp(hb.stompPort);
      const f = await c.connect({ 'accept-version': '1.2', host: 'localhost' });
      expect(f.headers['heart-beat']).toBe('0,50');
      await c.waitClosed(3_000);
    } finally {
      await hb.stop();
    }
  });
});
