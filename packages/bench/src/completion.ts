/**
 * Waits until consumers have everything, or until they stop making progress.
 */
import type { Consumer } from './consumer.js';

/** Bounds of {@link awaitDeliveries}. */
export interface CompletionBounds {
  /** Give up when no message arrived for this long. */
  idleMs: number;
  /** Give up after this long in any case. */
  maxMs: number;
}

/**
 * Resolves when `received()` reaches `expected`, when no message arrived for `idleMs`, or after
 * `maxMs`. Missing messages are then reported as lost; the caller decides nothing here.
 */
export function awaitDeliveries(
  consumers: readonly Consumer[],
  received: () => number,
  expected: number,
  bounds: CompletionBounds,
): Promise<void> {
  if (received() >= expected) return Promise.resolve();
  return new Promise((resolve) => {
    let lastCount = consumers.reduce((n, c) => n + c.received, 0);
    let lastProgressAt = Date.now();
    const startedAt = Date.now();
    const finish = (): void => {
      clearInterval(watchdog);
      for (const c of consumers) c.onProgress = () => {};
      resolve();
    };
    for (const c of consumers) {
      c.onProgress = () => {
        if (received() >= expected) finish();
      };
    }
    const watchdog = setInterval(() => {
      const count = consumers.reduce((n, c) => n + c.received, 0);
      const now = Date.now();
      if (count !== lastCount) {
        lastCount = count;
        lastProgressAt = now;
      }
      if (now - lastProgressAt >= bounds.idleMs || now - startedAt >= bounds.maxMs) finish();
    }, 100);
  });
}
