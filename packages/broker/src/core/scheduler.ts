import type { StoredMessage } from '../store/message-store.js';

/** Store container of the messages waiting for their scheduled time (ActiveMQ's job scheduler store). */
export const SCHEDULER_CONTAINER = 'scheduler';

/** ActiveMQ's scheduled delivery headers (`AMQ_SCHEDULED_*`), as a producer sets them. */
export const SCHEDULED_DELAY_HEADER = 'AMQ_SCHEDULED_DELAY';
export const SCHEDULED_PERIOD_HEADER = 'AMQ_SCHEDULED_PERIOD';
export const SCHEDULED_REPEAT_HEADER = 'AMQ_SCHEDULED_REPEAT';

/**
 * Deliveries still due after the one made at firing number `fired` (1 = the first), per the
 * message's `AMQ_SCHEDULED_PERIOD`/`AMQ_SCHEDULED_REPEAT` headers: ActiveMQ delivers a message
 * with a period `repeat + 1` times in all.
 */
export function repeatsLeft(message: StoredMessage, fired: number): boolean {
  const period = Number(message.headers[SCHEDULED_PERIOD_HEADER] ?? 0);
  const repeat = Number(message.headers[SCHEDULED_REPEAT_HEADER] ?? 0);
  return period > 0 && fired <= repeat;
}

/** Milliseconds between repeated deliveries of `message` (0 when it does not repeat). */
export function periodOf(message: StoredMessage): number {
  return Number(message.headers[SCHEDULED_PERIOD_HEADER] ?? 0);
}

/**
 * Messages waiting for their `deliverAt`, in a binary min-heap ordered by (deliverAt, seq), with
 * one timer for the earliest: thousands of scheduled messages cost one timer, not thousands.
 */
export class MessageScheduler {
  private readonly heap: StoredMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** deliverAt the timer is armed for. */
  private armedFor = Infinity;
  private stopped = false;

  constructor(
    /** Called once per message when its time has come (the scheduler forgets it). */
    private readonly due: (message: StoredMessage) => void,
  ) {}

  /** Messages waiting. */
  get size(): number {
    return this.heap.length;
  }

  add(message: StoredMessage): void {
    if (this.stopped) return;
    const heap = this.heap;
    heap.push(message);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
    if (message.deliverAt < this.armedFor) this.arm();
  }

  /** Forgets every waiting message and the timer (the broker stops). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const first = this.heap[0];
    if (!first) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = first.deliverAt;
    // Timers are capped at 2^31-1 ms; a later time re-arms when this one fires.
    const wait = Math.min(0x7fffffff, Math.max(1, first.deliverAt - Date.now()));
    this.timer = setTimeout(this.fire, wait);
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0]!.deliverAt <= now && !this.stopped) this.due(this.pop());
    if (!this.stopped) this.arm();
  };

  private pop(): StoredMessage {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: StoredMessage, b: StoredMessage): boolean {
  return a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.seq <= b.seq);
}
