/**
 * The WebSocket layer of the `ws` connector against real clients on real sockets: the `ws`
 * library as a third-party client, and a raw TCP socket for what no well-behaved client sends.
 */
import http from 'node:http';
import net from 'node:net';
import { encodeFrame, FrameParser, type StompFrame, utf8Encode } from '@tsmq/codec';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sharedBroker } from './helpers/broker.js';
import { RawStompClient, text } from './helpers/raw-client.js';

const tb = sharedBroker({}, { maxFrameSize: 256 * 1024 });

const frame = (command: string, headers: Record<string, string>, body?: string) =>
  encodeFrame(command, headers, body === undefined ? undefined : utf8Encode(body), { version: '1.2' });
const CONNECT = frame('CONNECT', { 'accept-version': '1.2', host: 'localhost' });

function within<T>(ms: number, what: string, run: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    run((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

async function openWs(): Promise<WebSocket> {
  const ws = new WebSocket(tb.wsUrl, ['v12.stomp']);
  await within<void>(3_000, 'open', (done) => ws.once('open', () => done()));
  return ws;
}

function closeCode(ws: WebSocket): Promise<number> {
  return within(3_000, 'close', (done) => ws.once('close', (code: number) => done(code)));
}

/** Completes an opening handshake by hand and returns the raw socket after the 101 response. */
async function rawUpgrade(): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = net.connect(tb.wsPort, '127.0.0.1');
  const chunks: Buffer[] = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(
    'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await within<void>(3_000, '101', (done) => {
    const check = () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', check);
      // RFC 6455 §1.3 gives this very key and the accept value it must produce.
      expect(all.subarray(0, end).toString()).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      chunks.splice(0, chunks.length, all.subarray(end + 4));
      done();
    };
    socket.on('data', check);
  });
  return { socket, received: () => Buffer.concat(chunks), closed };
}

describe('STOMP over WebSocket: the WebSocket protocol (RFC 6455)', () => {
  it('RFC 6455 §4.2.2: the handshake answers 101 with the accept value of the client key', async () => {
    const { socket } = await rawUpgrade();
    socket.destroy();
  });

  it('RFC 6455 §4.4: an unsupported WebSocket version is refused with 426 naming version 13; a plain HTTP request gets 426', async () => {
    const response = await within<http.IncomingMessage>(3_000, 'response', (done) =>
      http
        .get({
          host: '127.0.0.1',
          port: tb.wsPort,
          headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '8', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        })
        .on('response', done),
    );
    expect(response.statusCode).toBe(426);
    expect(response.headers['sec-websocket-version']).toBe('13');
    response.resume();
    const plain = await within<http.IncomingMessage>(3_000, 'response', (done) =>
      http.get({ host: '127.0.0.1', port: tb.wsPort, path: '/' }).on('response', done),
    );
    expect(plain.statusCode).toBe(426);
    plain.resume();
  });

  it('RFC 6455 §5.5.2: a ping is answered with a pong carrying the same data', async () => {
    const ws = await openWs();
    const pong = within<string>(3_000, 'pong', (done) => ws.once('pong', (d: Buffer) => done(d.toString())));
    ws.ping('are you there');
    expect(await pong).toBe('are you there');
    ws.terminate();
  });

  it('RFC 6455 §5.5.1: the client closing with 1000 gets a Close frame back with the same code', async () => {
    const ws = await openWs();
    const code = closeCode(ws);
    ws.close(1000);
    expect(await code).toBe(1000);
  });

  it('RFC 6455 §5.5.1 and STOMP 1.2 §DISCONNECT: after the RECEIPT the broker closes the WebSocket normally (1000)', async () => {
    const ws = await openWs();
    const received: Buffer[] = [];
    ws.on('message', (d: Buffer) => received.push(d));
    const code = closeCode(ws);
    ws.send(Buffer.concat([CONNECT, frame('DISCONNECT', { receipt: 'bye' })]));
    expect(await code).toBe(1000);
    expect(Buffer.concat(received).toString()).toContain('RECEIPT\nreceipt-id:bye\n');
  });

  it('RFC 6455 §5.4: a STOMP frame sent as several WebSocket fragments is received whole', async () => {
    const c = await RawStompClient.ws(tb.wsUrl);
    await c.connect();
    c.send('SUBSCRIBE', { destination: '/queue/ws-fragments', id: 's', receipt: 'r' });
    await c.next('RECEIPT');
    const ws = await openWs();
    const bytes = Buffer.concat([CONNECT, frame('SEND', { destination: '/queue/ws-fragments' }, 'in fragments')]);
    ws.send(bytes.subarray(0, 10), { binary: true, fin: false });
    ws.send(bytes.subarray(10, 50), { binary: true, fin: false });
    ws.send(bytes.subarray(50), { binary: true, fin: true });
    expect(text(await c.next('MESSAGE'))).toBe('in fragments');
    ws.terminate();
    c.close();
  });

  it('RFC 6455 §8.1: a text message that is not UTF-8 closes the connection with 1007', async () => {
    const ws = await openWs();
    const code = closeCode(ws);
    ws.send(Buffer.from([0x53, 0x45, 0x4e, 0x44, 0x0a, 0xff, 0x0a, 0x00]), { binary: false });
    expect(await code).toBe(1007);
  });

  it('RFC 6455 §7.4.1: a message larger than maxFrameSize plus slack closes the connection with 1009', async () => {
    const ws = await openWs();
    const code = closeCode(ws);
    ws.send(Buffer.alloc(256 * 1024 + 64 * 1024 + 1, 0x61));
    expect(await code).toBe(1009);
  });

  it('RFC 6455 §5.1: an unmasked client frame gets a Close frame with 1002, then the connection ends', async () => {
    const { socket, received, closed } = await rawUpgrade();
    socket.write(Buffer.concat([Buffer.from([0x82, CONNECT.length]), CONNECT]));
    await closed;
    expect([...received()]).toEqual([0x88, 0x02, 0x03, 0xea]);
  });

  it('backpressure: a WebSocket consumer that stops reading gets every message, in order, once it reads again', async () => {
    const ws = await openWs();
    const messages: StompFrame[] = [];
    let onMessage = () => {};
    const parser = new FrameParser((f) => {
      if (f.command === 'MESSAGE' || f.command === 'RECEIPT') messages.push(f);
      onMessage();
    }, { version: '1.2' });
    ws.on('message', (d: Buffer) => parser.push(d));
    ws.send(Buffer.concat([CONNECT, frame('SUBSCRIBE', { destination: '/queue/ws-slow', id: 's', receipt: 'r' })]));
    await within<void>(3_000, 'RECEIPT', (done) => (onMessage = () => messages.length > 0 && done()));
    messages.length = 0;
    ws.pause();
    const producer = await tb.client();
    const body = 'b'.repeat(32 * 1024);
    const count = 400; // 12.5 MiB: well past the socket buffers on both sides
    for (let i = 0; i < count; i++) producer.send('SEND', { destination: '/queue/ws-slow', n: String(i) }, body);
    producer.send('DISCONNECT', { receipt: 'sent' });
    await producer.next('RECEIPT');
    ws.resume();
    await within<void>(20_000, `${count} messages`, (done) => (onMessage = () => messages.length === count && done()));
    expect(messages.map((m) => m.headers.n)).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    expect(messages.every((m) => m.body.length === body.length)).toBe(true);
    ws.terminate();
  }, 30_000);
});
