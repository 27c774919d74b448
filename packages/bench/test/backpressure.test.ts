/**
 * The generator must not make its own memory grow when the broker stops reading: a producer
 * waits for 'drain' once the socket's buffer is full.
 */
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { Producer, StompSession } from '../src/index.js';

let server: net.Server | undefined;
afterEach(() => {
  server?.close();
});

it('a producer facing a broker that stops reading stops writing (socket backpressure), its queue bounded', async () => {
  const accepted: net.Socket[] = [];
  server = net.createServer((socket) => {
    accepted.push(socket);
    // Answer the CONNECT, then never read again: the TCP window closes and writes back up.
    socket.once('data', () => {
      socket.write('CONNECTED\nversion:1.2\n\n\0');
      socket.pause();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const session = await StompSession.open({ kind: 'tcp', host: '127.0.0.1', port });
  const producer = new Producer(session, { destination: '/queue/stuck', id: 0, bodySize: 1024, persistent: false, window: 0 });
  const running = producer.run(1000);
  // Stop after a bounded wall time; the producer must be parked on 'drain' long before.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  producer.stop();
  session.close();
  await running.catch(() => undefined);
  for (const s of accepted) s.destroy();
  // Kernel buffers on loopback hold a few MiB; without backpressure the producer would have
  // queued hundreds of MiB in 1.5 s.
  expect(producer.sent * 1100).toBeLessThan(32 * 1024 * 1024);
  expect(producer.sent).toBeGreaterThan(0);
});
