/**
 * Many idle STOMP connections that keep heart-beating (scenario 8), to measure what an idle
 * connection costs the broker and what it costs the others.
 */
import { HEARTBEAT_EOL } from '@tsmq/codec';
import { settledRss } from './process-memory.js';
import { StompSession } from './stomp-session.js';
import { tcpEndpoint, type Target } from './target.js';

/** Connections opened concurrently: enough to be quick, few enough not to look like a SYN flood. */
const OPEN_CONCURRENCY = 50;

/** A set of open idle connections. */
export class IdleConnections {
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly sessions: StompSession[],
    heartBeatMs: number,
  ) {
    // STOMP 1.2 §Heart-beating: we promised to send something at least every heartBeatMs.
    this.heartbeat = setInterval(() => {
      for (const s of this.sessions) if (s.error === undefined) s.writeRaw([HEARTBEAT_EOL]);
    }, heartBeatMs / 2);
    for (const s of sessions) s.onClosed = () => {};
  }

  /** Opens `count` connections offering heart-beat `heartBeatMs,heartBeatMs`. */
  static async open(target: Target, count: number, heartBeatMs: number): Promise<IdleConnections> {
    const sessions: StompSession[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next++;
        sessions.push(
          await StompSession.open(tcpEndpoint(target), { ...target.credentials, heartBeat: [heartBeatMs, heartBeatMs], timeoutMs: 30_000 }),
        );
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, count) }, worker));
    } catch (error) {
      for (const s of sessions) s.close();
      throw error;
    }
    return new IdleConnections(sessions, heartBeatMs);
  }

  /** Connections the broker closed since they were opened. */
  get dropped(): number {
    return this.sessions.filter((s) => s.error !== undefined).length;
  }

  /** Closes all connections without DISCONNECT (what a crowd of vanished clients looks like). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.sessions) s.close();
  }
}

/**
 * Resident memory the broker spends per idle connection: settled RSS before and after opening
 * `count` heart-beating connections, divided by `count`. Meant for a broker that has not carried
 * load yet: a garbage-collected broker that has would first reuse the heap earlier runs grew,
 * hiding the cost (even making it negative).
 * @returns bytes per connection, or undefined when the broker's process is unknown
 */
export async function measureIdleConnectionCost(target: Target, count: number, heartBeatMs: number): Promise<number | undefined> {
  const pid = target.pid();
  if (pid === undefined || count <= 0) return undefined;
  const before = await settledRss(pid);
  const connections = await IdleConnections.open(target, count, heartBeatMs);
  try {
    const after = await settledRss(pid);
    return before === undefined || after === undefined ? undefined : (after - before) / count;
  } finally {
    connections.close();
  }
}
