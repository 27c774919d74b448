import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JMSException } from '../src/index.js';
import { factory } from './support/broker.js';

/**
 * A peer that answers like RabbitMQ does to a frame it refuses: an ERROR without receipt-id, and
 * the socket left open. A real broker cannot be made to do this on demand, so a socket server
 * plays the part (RabbitMQ's own behaviour is exercised by test/interop-rabbitmq.test.ts).
 */
function errorButStayOpenPeer(): Promise<{ server: Server; url: string; sockets: Socket[] }> {
  return new Promise((resolve) => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      let buffered = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\0')) !== -1) {
          const frame = buffered.slice(0, end).replace(/^\n+/, '');
          buffered = buffered.slice(end + 1);
          const command = frame.slice(0, frame.indexOf('\n'));
          if (command === 'CONNECT' || command === 'STOMP') socket.write('CONNECTED\nversion:1.2\nserver:OddBroker/1.0\n\n\0');
          else if (command === 'SEND') socket.write('ERROR\nmessage:refused\ncontent-type:text/plain\n\nnot allowed\0');
        }
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, url: `tcp://127.0.0.1:${port}`, sockets });
    });
  });
}

let peer: Awaited<ReturnType<typeof errorButStayOpenPeer>> | undefined;
afterEach(async () => {
  for (const s of peer?.sockets ?? []) s.destroy();
  await new Promise((r) => peer?.server.close(r) ?? r(undefined));
  peer = undefined;
});

describe('a broker ERROR that does not close the connection', () => {
  it('STOMP 1.2 §ERROR: the connection ends after an ERROR, so a send waiting for its receipt fails with the ERROR instead of hanging', async () => {
    peer = await errorButStayOpenPeer();
    const connection = await factory(peer.url).createConnection();
    const session = await connection.createSession();
    const failure = await session
      .createProducer(session.createQueue('q'))
      .send(session.createTextMessage('x'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(JMSException);
    expect((failure as JMSException).message).toBe('refused');
    await connection.close().catch(() => undefined);
  });
});
