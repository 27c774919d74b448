import type { FrameBody } from '@tsmq/codec';
import { queueContainer } from '../store/message-store.js';
import type { DestinationName } from './destination-name.js';

/**
 * Bytes of message data held in memory (non-persistent messages, persistent ones of a broker
 * without a journal, topic subscribers' pending messages) against a limit: the broker's
 * `systemUsage.memoryLimit`, or a destination's policy `memoryLimit`. Producers wait while it is
 * full (producer flow control) or fail (`sendFailIfNoSpace`).
 *
 * A destination with its own policy limit gets a child usage: its bytes count against both its
 * own limit and the broker's, and it is full when either is, so a full destination stops its own
 * producers while the others keep flowing.
 */
export class MemoryUsage {
  private used = 0;
  private waiters: Array<() => void> = [];
  /** Children by store container (`queue:<name>`) or `topic:<name>`. */
  private readonly children = new Map<string, MemoryUsage>();

  /**
   * @param limit - bytes; 0 means no limit.
   * @param parent - the broker-wide usage this one also counts against.
   * @param label - what the limit applies to, for messages (e.g. `queue://orders`).
   * @param resource - what is limited, for messages: `memory`, or `temp` for the temporary store.
   */
  constructor(
    readonly limit: number,
    readonly parent?: MemoryUsage,
    readonly label?: string,
    readonly resource: 'memory' | 'temp' = 'memory',
  ) {}

  get bytes(): number {
    return this.used;
  }

  /** At its own limit or its parent's. */
  get full(): boolean {
    return (this.limit > 0 && this.used >= this.limit) || (this.parent?.full ?? false);
  }

  /** Bytes that may still be added before this usage or its parent is full; Infinity without limits. */
  get available(): number {
    const own = this.limit > 0 ? this.limit - this.used : Number.POSITIVE_INFINITY;
    return this.parent ? Math.min(own, this.parent.available) : own;
  }

  /** The usage that is full: this one, its parent, or undefined. */
  get fullUsage(): MemoryUsage | undefined {
    if (this.limit > 0 && this.used >= this.limit) return this;
    return this.parent?.fullUsage;
  }

  /**
   * The usage the store container's bytes count against (its destination's own when its policy
   * sets a `memoryLimit`, else this one), so that a store can ask whether that container is full.
   */
  usageOf(container: string): MemoryUsage {
    return this.children.size > 0 ? (this.children.get(container) ?? this) : this;
  }

  /** True when some destination has its own limit (callers skip the per-destination lookup otherwise). */
  get hasDestinationLimits(): boolean {
    return this.children.size > 0;
  }

  /**
   * Counts `bytes`. With a store `container` (as the in-memory store reports it), the bytes go
   * to that container's destination usage when it has its own limit.
   */
  add(bytes: number, container?: string): void {
    if (container !== undefined && this.children.size > 0) {
      const child = this.children.get(container);
      if (child) return child.add(bytes);
    }
    this.used += bytes;
    this.parent?.add(bytes);
  }

  release(bytes: number, container?: string): void {
    if (container !== undefined && this.children.size > 0) {
      const child = this.children.get(container);
      if (child) return child.release(bytes);
    }
    this.used -= bytes;
    this.parent?.release(bytes);
    if (this.waiters.length > 0 && !(this.limit > 0 && this.used >= this.limit)) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Calls `fn` once neither this usage nor its parent is full (at once when there is room). */
  whenAvailable(fn: () => void): void {
    if (this.limit > 0 && this.used >= this.limit) this.waiters.push(() => this.whenAvailable(fn));
    else if (this.parent) this.parent.whenAvailable(fn);
    else fn();
  }

  /**
   * The usage a destination counts against: its own (a child of this one) when its policy sets a
   * `memoryLimit`, else this one.
   */
  forDestination(name: DestinationName, policyLimit: number): MemoryUsage {
    if (policyLimit <= 0 || this.parent) return this;
    const key = usageKey(name);
    let child = this.children.get(key);
    if (!child) {
      child = new MemoryUsage(policyLimit, this, `${name.kind}://${name.name}`);
      this.children.set(key, child);
    }
    return child;
  }

  /** Drops the usage of a deleted destination (kept while it still counts bytes, so the books balance). */
  forgetDestination(name: DestinationName): void {
    const key = usageKey(name);
    if (this.children.get(key)?.bytes === 0) this.children.delete(key);
  }

  /** e.g. "memory limit of 1048576 bytes reached on queue://orders". */
  describeFull(): string {
    const full = this.fullUsage ?? this;
    return full.label === undefined
      ? `${full.resource} limit of ${full.limit} bytes (systemUsage) reached`
      : `${full.resource} limit of ${full.limit} bytes reached on ${full.label}`;
  }
}

/** The key a destination's usage is known by: its store container for queues, so that store accounting finds it. */
function usageKey(name: DestinationName): string {
  return name.kind === 'queue' || name.kind === 'temp-queue' ? queueContainer(name.name) : `topic:${name.full}`;
}

/**
 * The usage a SEND to `destinations` waits on or fails at: the first full one, else the first
 * destination's own (or the broker's).
 */
export function usageForSend(system: MemoryUsage, destinations: ReadonlyArray<{ name: DestinationName; policy?: { memoryLimit: number } }>): MemoryUsage {
  if (!system.hasDestinationLimits) return system;
  let chosen: MemoryUsage | undefined;
  for (const d of destinations) {
    const u = system.forDestination(d.name, d.policy?.memoryLimit ?? 0);
    if (u.full) return u;
    chosen ??= u;
  }
  return chosen ?? system;
}

/** Approximate memory a message takes: its body plus a fixed allowance for headers and bookkeeping. */
export function messageBytes(body: FrameBody): number {
  return body.byteLength + 512;
}
