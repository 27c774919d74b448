/**
 * One timer for the heart-beats of every connection (STOMP 1.2 §Heart-beating).
 *
 * A Node timer per connection costs a `Timeout` object and a closure each, which is a large
 * share of what an idle connection costs. Here each connection only holds its due time and its
 * place in a binary min-heap; a single timer is armed for the earliest due time. A connection
 * is not moved on every read or write: when its due time comes it looks at its own clocks and
 * either acts or asks to be woken again later, as it did with a timer of its own.
 * @packageDocumentation
 */
import { performance } from 'node:perf_hooks';

/** What the scheduler needs from a connection. */
export interface HeartbeatClient {
  /** When {@link HeartbeatClient.heartbeatDue} is to be called next, in {@link monotonicNow} milliseconds; owned by the scheduler. */
  heartbeatAt: number;
  /** Index in the scheduler's heap, -1 when not scheduled; owned by the scheduler. */
  heartbeatSlot: number;
  /** The due time has come: beat, close, or {@link HeartbeatScheduler.schedule} again. */
  heartbeatDue(now: number): void;
}

/**
 * Whole milliseconds on a monotonic clock that starts with the process: a wall-clock change does
 * not fire or postpone heart-beats, and the values stay small integers, which the engine stores
 * inline in a connection rather than as boxed doubles.
 */
export function monotonicNow(): number {
  return Math.floor(performance.now());
}

/** See the module comment. */
export class HeartbeatScheduler {
  private readonly heap: HeartbeatClient[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires; Infinity when none is armed. */
  private timerAt = Infinity;

  /** Connections scheduled. */
  get size(): number {
    return this.heap.length;
  }

  /** (Re)schedules `client` for `at` (never earlier than 1 ms from now, so a due client cannot spin). */
  schedule(client: HeartbeatClient, at: number): void {
    const now = monotonicNow();
    client.heartbeatAt = at > now ? at : now + 1;
    const slot = client.heartbeatSlot;
    if (slot < 0) {
      client.heartbeatSlot = this.heap.length;
      this.heap.push(client);
      this.up(client.heartbeatSlot);
    } else {
      this.down(this.up(slot));
    }
    this.arm();
  }

  /** Forgets `client`; harmless when it is not scheduled. */
  cancel(client: HeartbeatClient): void {
    const slot = client.heartbeatSlot;
    if (slot < 0) return;
    client.heartbeatSlot = -1;
    const last = this.heap.pop()!;
    if (slot < this.heap.length) {
      this.heap[slot] = last;
      last.heartbeatSlot = slot;
      this.down(this.up(slot));
    }
    if (this.heap.length === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    }
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = monotonicNow();
    const heap = this.heap;
    try {
      // A client rescheduled from heartbeatDue() is due after `now`, so the loop ends.
      while (heap.length > 0 && heap[0]!.heartbeatAt <= now) {
        const client = heap[0]!;
        this.cancel(client);
        client.heartbeatDue(now);
      }
    } finally {
      // Even when one client threw: the others' heart-beats must go on.
      this.arm();
    }
  };

  private arm(): void {
    const first = this.heap[0];
    if (first === undefined || first.heartbeatAt >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = first.heartbeatAt;
    this.timer = setTimeout(this.fire, Math.max(1, first.heartbeatAt - monotonicNow()));
    // Heart-beats alone must not keep the process alive.
    this.timer.unref();
  }

  private up(slot: number): number {
    const heap = this.heap;
    const client = heap[slot]!;
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot]!;
      if (parent.heartbeatAt <= client.heartbeatAt) break;
      heap[slot] = parent;
      parent.heartbeatSlot = slot;
      slot = parentSlot;
    }
    heap[slot] = client;
    client.heartbeatSlot = slot;
    return slot;
  }

  private down(slot: number): void {
    const heap = this.heap;
    const n = heap.length;
    const client = heap[slot]!;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]!.heartbeatAt < heap[child]!.heartbeatAt) child++;
      const next = heap[child]!;
      if (next.heartbeatAt >= client.heartbeatAt) break;
      heap[slot] = next;
      next.heartbeatSlot = slot;
      slot = child;
    }
    heap[slot] = client;
    client.heartbeatSlot = slot;
  }
}

/** The scheduler all connections of this process share. */
export const heartbeats = new HeartbeatScheduler();
