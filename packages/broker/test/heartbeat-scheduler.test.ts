import { describe, expect, it } from 'vitest';
import { type HeartbeatClient, HeartbeatScheduler, monotonicNow } from '../src/protocol/heartbeat-scheduler.js';

/** A client that records when it was due and, optionally, asks to be woken again. */
class Recorder implements HeartbeatClient {
  heartbeatAt = 0;
  heartbeatSlot = -1;
  readonly calls: number[] = [];
  constructor(
    readonly name: string,
    private readonly log: string[],
    private readonly again?: (now: number) => number | undefined,
  ) {}
  heartbeatDue(now: number): void {
    this.calls.push(now);
    this.log.push(this.name);
    const next = this.again?.(now);
    if (next !== undefined) this.scheduler?.schedule(this, next);
  }
  scheduler: HeartbeatScheduler | undefined;
}

/** Resolves once `log` holds `count` entries; rejects after `ms`. */
async function entries(log: string[], count: number, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (log.length < count) {
    if (Date.now() > deadline) throw new Error(`${count} wake-ups: only ${log.length} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('heart-beat scheduler', () => {
  it('STOMP 1.2 §Heart-beating: clients are woken in the order of their due times, never before them', async () => {
    const scheduler = new HeartbeatScheduler();
    const log: string[] = [];
    const start = monotonicNow();
    const clients = [new Recorder('c', log), new Recorder('a', log), new Recorder('b', log), new Recorder('d', log)];
    const dueIn: Record<string, number> = { a: 10, b: 25, c: 40, d: 40 };
    for (const c of clients) scheduler.schedule(c, start + dueIn[c.name]!);
    await entries(log, 4);
    expect(log.slice(0, 2)).toEqual(['a', 'b']);
    expect([...log.slice(2)].sort()).toEqual(['c', 'd']);
    for (const c of clients) expect(c.calls[0]!).toBeGreaterThanOrEqual(start + dueIn[c.name]!);
    expect(scheduler.size).toBe(0);
  });

  it('a cancelled client is never woken; the others still are', async () => {
    const scheduler = new HeartbeatScheduler();
    const log: string[] = [];
    const now = monotonicNow();
    const kept = new Recorder('kept', log);
    const cancelled = new Recorder('cancelled', log);
    const later = new Recorder('later', log);
    scheduler.schedule(cancelled, now + 5);
    scheduler.schedule(kept, now + 10);
    scheduler.schedule(later, now + 30);
    scheduler.cancel(cancelled);
    scheduler.cancel(cancelled); // harmless twice
    expect(cancelled.heartbeatSlot).toBe(-1);
    await entries(log, 2);
    expect(log).toEqual(['kept', 'later']);
  });

  it('rescheduling moves a client: earlier wakes it sooner, later postpones it', async () => {
    const scheduler = new HeartbeatScheduler();
    const log: string[] = [];
    const now = monotonicNow();
    const moved = new Recorder('moved-earlier', log);
    const postponed = new Recorder('postponed', log);
    const fixed = new Recorder('fixed', log);
    scheduler.schedule(moved, now + 60_000);
    scheduler.schedule(postponed, now + 5);
    scheduler.schedule(fixed, now + 20);
    scheduler.schedule(moved, now + 10);
    scheduler.schedule(postponed, now + 40);
    await entries(log, 3);
    expect(log).toEqual(['moved-earlier', 'fixed', 'postponed']);
  });

  it('a client due in the past, or rescheduling itself for now, is woken once per call rather than in a loop', async () => {
    const scheduler = new HeartbeatScheduler();
    const log: string[] = [];
    let rounds = 0;
    const again = new Recorder('again', log, (now) => (++rounds < 3 ? now : undefined));
    again.scheduler = scheduler;
    scheduler.schedule(again, monotonicNow() - 1_000);
    await entries(log, 3);
    expect(log).toEqual(['again', 'again', 'again']);
    // Each wake-up was at least 1 ms after the previous one.
    expect(again.calls[1]!).toBeGreaterThan(again.calls[0]!);
    expect(again.calls[2]!).toBeGreaterThan(again.calls[1]!);
    expect(scheduler.size).toBe(0);
  });

  it('keeps its heap in order through many interleaved schedules and cancels', async () => {
    const scheduler = new HeartbeatScheduler();
    const log: string[] = [];
    const now = monotonicNow();
    const clients = Array.from({ length: 200 }, (_, i) => new Recorder(String(i), log));
    // Due times in a scrambled order; every third client cancelled again.
    clients.forEach((c, i) => scheduler.schedule(c, now + 5 + ((i * 37) % 200)));
    clients.forEach((c, i) => i % 3 === 0 && scheduler.cancel(c));
    const expected = clients
      .filter((_, i) => i % 3 !== 0)
      .sort((x, y) => x.heartbeatAt - y.heartbeatAt)
      .map((c) => c.heartbeatAt);
    await entries(log, expected.length);
    const woken = log.map((name) => clients[Number(name)]!.heartbeatAt);
    expect(woken).toEqual(expected);
  });
});
