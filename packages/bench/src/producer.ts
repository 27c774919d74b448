/**
 * One load-generating producer: sends as fast as the broker accepts (or at a fixed rate), keeps
 * at most `window` receipted sends in flight, and never writes past socket backpressure.
 */
import { BenchTimeoutError } from './errors.js';
import { nowMicros, yieldToIo } from './clock.js';
import { SendTemplate } from './send-template.js';
import type { StompSession } from './stomp-session.js';

/** How a producer sends. */
export interface ProducerOptions {
  destination: string;
  /** Producer id written into each message (0-based, unique within a run). */
  id: number;
  bodySize: number;
  persistent: boolean;
  /** Receipted sends in flight at most; 0 sends without receipts. */
  window: number;
  /** Messages per second; absent means as fast as possible. */
  rate?: number;
  /** Stop after this many messages. */
  count?: number;
  /** Stop when the generator clock (µs) passes this. */
  untilMicros?: number;
}

/** Frames written per event-loop turn: large enough to batch writes, small enough to let consumers in. */
const BATCH = 64;

/** Sends one producer's messages; see the module comment. */
export class Producer {
  /** Messages written to the connection. */
  sent = 0;
  /** Sends the broker confirmed with a RECEIPT. */
  confirmed = 0;
  private readonly template: SendTemplate;
  private wakeUp: (() => void) | undefined;
  private stopRequested = false;

  constructor(
    private readonly session: StompSession,
    private readonly options: ProducerOptions,
  ) {
    this.template = new SendTemplate({
      destination: options.destination,
      producer: options.id,
      bodySize: options.bodySize,
      persistent: options.persistent,
      receipt: options.window > 0,
    });
    session.onReceipt = () => {
      this.confirmed++;
      this.wake();
    };
    session.onClosed = () => this.wake();
  }

  /** Asks the producer to stop sending (what is in flight is still awaited). */
  stop(): void {
    this.stopRequested = true;
    this.wake();
  }

  /** Sends until the count, the deadline or {@link Producer.stop}; then waits for outstanding receipts. */
  async run(receiptTimeoutMs: number): Promise<void> {
    const { window, rate, count, untilMicros } = this.options;
    const startedAt = nowMicros();
    const session = this.session;
    while (!this.stopRequested && session.error === undefined) {
      const now = nowMicros();
      if (untilMicros !== undefined && now >= untilMicros) break;
      if (count !== undefined && this.sent >= count) break;
      let allowed = BATCH;
      if (count !== undefined) allowed = Math.min(allowed, count - this.sent);
      if (window > 0) allowed = Math.min(allowed, window - (this.sent - this.confirmed));
      if (rate !== undefined) allowed = Math.min(allowed, Math.floor(((now - startedAt) * rate) / 1e6) + 1 - this.sent);
      if (allowed <= 0) {
        await (rate !== undefined && (window === 0 || this.sent - this.confirmed < window)
          ? new Promise<void>((resolve) => setTimeout(resolve, 1))
          : // Bounded, so that a broker that stops confirming cannot hold the run past its deadline.
            this.nextEvent(1000));
        continue;
      }
      let writable = true;
      session.transport.cork();
      for (let i = 0; i < allowed && writable; i++) {
        writable = session.writeRaw(this.template.frame(this.sent, nowMicros()));
        this.sent++;
      }
      session.transport.uncork();
      if (!writable) await this.drainedOrDeadline();
      else await yieldToIo();
    }
    if (session.error) throw session.error;
    if (window > 0) await this.awaitReceipts(receiptTimeoutMs);
  }

  private async awaitReceipts(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.confirmed < this.sent) {
      if (this.session.error) throw this.session.error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new BenchTimeoutError(`producer ${this.options.id}: ${this.sent - this.confirmed} receipts missing after ${timeoutMs} ms`);
      }
      await this.nextEvent(left);
    }
  }

  /** Waits for socket backpressure to clear, but not past the deadline: a broker that stopped reading must not hang the run. */
  private async drainedOrDeadline(): Promise<void> {
    const { untilMicros } = this.options;
    if (untilMicros === undefined) return this.session.drained();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, (untilMicros - nowMicros()) / 1000));
    });
    await Promise.race([this.session.drained(), deadline]);
    clearTimeout(timer);
  }

  /** Resolves at the next receipt or close, or after `timeoutMs` if given. */
  private nextEvent(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.wake(), timeoutMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }
}
