/**
 * Bytes of message data held in memory outside the stores (topic subscribers' pending
 * messages), against `systemUsage.memoryLimit`. Producers wait while it is full.
 */
export class MemoryUsage {
  private used = 0;
  private waiters: Array<() => void> = [];

  /** @param limit - bytes; 0 means no limit. */
  constructor(readonly limit: number) {}

  get bytes(): number {
    return this.used;
  }

  get full(): boolean {
    return this.limit > 0 && this.used >= this.limit;
  }

  add(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.waiters.length > 0 && !this.full) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Calls `fn` once there is room again (at once when there is). */
  whenAvailable(fn: () => void): void {
    if (this.full) this.waiters.push(fn);
    else fn();
  }
}

/** Approximate memory a message takes: its body plus a fixed allowance for headers and bookkeeping. */
export function messageBytes(body: Uint8Array): number {
  return body.byteLength + 512;
}
