import { performance } from 'node:perf_hooks';

/** Microseconds on the generator's monotonic clock; producers and consumers share it, so latencies need no clock sync. */
export function nowMicros(): number {
  return performance.now() * 1000;
}

/** Resolves after the current I/O callbacks, letting sockets of the same process make progress. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
