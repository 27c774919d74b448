/**
 * Best-effort removal of what a failed run left on a queue: unconsumed messages would otherwise
 * weigh on the broker's memory in every later scenario and make them fail or slow down too.
 */
import { StompSession } from './stomp-session.js';
import { tcpEndpoint, type Target } from './target.js';

/** Consumes `destination` (auto ack) until nothing arrives for `quietMs`, at most `maxMs`; returns the count removed. */
export async function purgeQueue(target: Target, destination: string, quietMs = 1000, maxMs = 30_000): Promise<number> {
  let session: StompSession;
  try {
    session = await StompSession.open(tcpEndpoint(target), target.credentials);
  } catch {
    return 0;
  }
  let removed = 0;
  let lastAt = Date.now();
  session.onMessage = () => {
    removed++;
    lastAt = Date.now();
  };
  try {
    await session.request('SUBSCRIBE', { id: 'purge', destination, ack: 'auto' });
    const startedAt = Date.now();
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const now = Date.now();
        if (now - lastAt >= quietMs || now - startedAt >= maxMs || session.error) {
          clearInterval(check);
          resolve();
        }
      }, 100);
    });
    await session.disconnect();
  } catch {
    session.close();
  }
  return removed;
}
