/**
 * Statistics only a broker itself knows, read from outside while it runs.
 */
import { readFile } from 'node:fs/promises';
import { StompSession } from './stomp-session.js';
import { tcpEndpoint, type Target } from './target.js';

/** ActiveMQ's statistics destination: a SEND with `reply-to` there is answered with one message of broker figures. */
const BROKER_STATISTICS = '/queue/ActiveMQ.Statistics.Broker';
/** The broker's header in that answer counting fsync calls of its persistent store. */
const FSYNC_HEADER = 'storeFsyncs';

/**
 * The number of fsync calls the broker's store has made so far, or undefined when the broker
 * does not tell (the report then prints `n/a` for messages per fsync).
 *
 * Asks the way ActiveMQ's statisticsBrokerPlugin is asked: a SEND to
 * `/queue/ActiveMQ.Statistics.Broker` with a `reply-to`; our broker's reply carries the count in
 * a `storeFsyncs` header. Only asked of our broker and of unidentified STOMP brokers: ActiveMQ
 * and RabbitMQ do not count fsyncs (and RabbitMQ would just create a queue of that name).
 */
export async function brokerFsyncCount(target: Target, timeoutMs = 3000): Promise<number | undefined> {
  if (target.kind !== 'tsmq' && target.kind !== 'stomp') return undefined;
  let session: StompSession;
  try {
    session = await StompSession.open(tcpEndpoint(target), { ...target.credentials, timeoutMs });
  } catch {
    return undefined;
  }
  try {
    const replyTo = `/queue/bench.statistics.${process.pid}.${Date.now().toString(36)}`;
    const reply = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      session.onMessage = (frame) => {
        clearTimeout(timer);
        resolve(frame.headers[FSYNC_HEADER]);
      };
    });
    await session.request('SUBSCRIBE', { id: 'statistics', destination: replyTo, ack: 'auto' });
    session.write('SEND', { destination: BROKER_STATISTICS, 'reply-to': replyTo });
    const value = await reply;
    const count = value === undefined ? NaN : Number(value);
    return Number.isFinite(count) ? count : undefined;
  } catch {
    return undefined;
  } finally {
    await session.disconnect().catch(() => session.close());
  }
}

/** CPU time (user + system) of a process in seconds, from /proc/<pid>/stat; undefined when unreadable. */
export async function processCpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
