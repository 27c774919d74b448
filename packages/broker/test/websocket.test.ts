import { encodeFrame, utf8Encode } from '@tsmq/codec';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sharedBroker } from './helpers/broker.js';
import { RawStompClient, text } from './helpers/raw-client.js';

const tb = sharedBroker();

const frame = (command: string, headers: Record<string, string>, body?: string) =>
  encodeFrame(command, headers, body === undefined ? undefined : utf8Encode(body), { version: '1.2' });

describe('STOMP over WebSocket', () => {
  it('STOMP over WebSocket: the broker picks the best STOMP subprotocol the client offers', async () => {
    const best = await RawStompClient.ws(tb.wsUrl, ['v10.stomp', 'v12.stomp', 'v11.stomp']);
    expect(best.subprotocol).toBe('v12.stomp');
    best.close();
    const old = await RawStompClient.ws(tb.wsUrl, ['v11.stomp']);
    expect(old.subprotocol).toBe('v11.stomp');
    old.close();
  });

  it('STOMP over WebSocket: any path is accepted and frames flow both ways', async () => {
    const c = await RawStompClient.ws(`${tb.wsUrl}/stomp/any/path?x=1`);
    await c.connect();
    c.send('SUBSCRIBE', { destination: '/queue/ws-path', id: 's' });
    c.send('SEND', { destination: '/queue/ws-path' }, 'over ws');
    expect(text(await c.next('MESSAGE'))).toBe('over ws');
    c.close();
  });

  it('STOMP over WebSocket: several frames in one WebSocket message are all handled', async () => {
    const c = await RawStompClient.ws(tb.wsUrl);
    const all = Buffer.concat([
      frame('CONNECT', { 'accept-version': '1.2', host: 'localhost' }),
      frame('SUBSCRIBE', { destination: '/queue/ws-multi', id: 's' }),
      frame('SEND', { destination: '/queue/ws-multi' }, 'one'),
      frame('SEND', { destination: '/queue/ws-multi' }, 'two'),
    ]);
    c.sendRaw(all);
    expect((await c.next('CONNECTED')).headers.version).toBe('1.2');
    c.version = '1.2';
    expect(text(await c.next('MESSAGE'))).toBe('one');
    expect(text(await c.next('MESSAGE'))).toBe('two');
    c.close();
  });

  it('STOMP over WebSocket: a frame split across WebSocket messages is reassembled', async () => {
    const c = await RawStompClient.ws(tb.wsUrl);
    await c.connect();
    c.send('SUBSCRIBE', { destination: '/queue/ws-split', id: 's' });
    const bytes = frame('SEND', { destination: '/queue/ws-split' }, 'split body');
    for (let i = 0; i < bytes.length; i += 7) c.sendRaw(bytes.subarray(i, i + 7));
    expect(text(await c.next('MESSAGE'))).toBe('split body');
    c.close();
  });

  it('STOMP over WebSocket: text WebSocket messages carry frames as well as binary ones', async () => {
    const c = await RawStompClient.ws(tb.wsUrl);
    c.wsSendText('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
    await c.next('CONNECTED');
    c.version = '1.2';
    c.wsSendText('SUBSCRIBE\ndestination:/queue/ws-text\nid:s\n\n\0');
    c.wsSendText('SEND\ndestination:/queue/ws-text\n\nhéllo\0');
    expect(text(await c.next('MESSAGE'))).toBe('héllo');
    c.close();
  });

  it('STOMP over WebSocket: a WebSocket client and a TCP client exchange messages', async () => {
    const ws = await RawStompClient.ws(tb.wsUrl);
    await ws.connect();
    ws.send('SUBSCRIBE', { destination: '/topic/ws-bridge', id: 's', receipt: 'r' });
    await ws.next('RECEIPT');
    const tcp = await tb.client();
    tcp.send('SEND', { destination: '/topic/ws-bridge' }, 'from tcp');
    expect(text(await ws.next('MESSAGE'))).toBe('from tcp');
    ws.close();
  });

  it('STOMP over WebSocket: each frame the broker sends is one whole WebSocket message, large bodies included', async () => {
    const ws = new WebSocket(tb.wsUrl, ['v12.stomp']);
    const received: Buffer[] = [];
    let onMessage: () => void = () => {};
    ws.on('message', (d: Buffer) => {
      received.push(d);
      onMessage();
    });
    const waitFor = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${received.length} WebSocket messages`)), 3_000);
        onMessage = () => {
          if (received.length >= n) {
            clearTimeout(t);
            resolve();
          }
        };
        onMessage();
      });
    await new Promise((resolve) => ws.once('open', resolve));
    const big = 'z'.repeat(200 * 1024);
    ws.send(
      Buffer.concat([
        frame('CONNECT', { 'accept-version': '1.2', host: 'localhost' }),
        frame('SUBSCRIBE', { destination: '/queue/ws-big', id: 's' }),
        frame('SEND', { destination: '/queue/ws-big' }, big),
      ]),
    );
    await waitFor(2);
    ws.terminate();
    const message = received[1]!;
    expect(message.subarray(0, 8).toString()).toBe('MESSAGE\n');
    expect(message.at(-1)).toBe(0);
    expect(message.length).toBeGreaterThan(big.length);
  });
});
