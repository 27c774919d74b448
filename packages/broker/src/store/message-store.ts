import type { FrameBody, StompHeaders } from '@tsmq/codec';

/**
 * A message as the store keeps it. The broker assigns `seq` (increasing over the broker's life, also across
 * restarts: the store reports the highest it has seen) and `messageId` when the message arrives.
 */
export interface StoredMessage {
  /** Arrival order; a container's messages are loaded back in `seq` order. */
  seq: number;
  /** The `message-id` delivered to consumers (`ID:...`). */
  messageId: string;
  /** The STOMP destination the producer sent to, e.g. `/queue/orders`. */
  destination: string;
  /** Headers to deliver: the producer's headers minus STOMP control headers. */
  headers: StompHeaders;
  /** The body as received: a large one may be the pieces it arrived in, which are written out as they are. */
  body: FrameBody;
  persistent: boolean;
  /** 0 (lowest) to 9 (highest). */
  priority: number;
  /** Epoch ms after which the message must not be delivered; 0 never expires. */
  expires: number;
  /** Epoch ms before which the message must not be delivered (scheduled delivery); 0 is now. */
  deliverAt: number;
  /** Deliveries so far that ended without an acknowledgement (JMSXDeliveryCount is this plus one). */
  redeliveryCount: number;
}

/**
 * A durable topic subscription as the store keeps it. Its messages live in the container
 * {@link durableContainer}(clientId, name).
 */
export interface DurableSubscriptionRecord {
  clientId: string;
  name: string;
  /** The topic (pattern) subscribed to, e.g. `/topic/prices.>`. */
  destination: string;
  /** JMS selector text, or empty. */
  selector: string;
  noLocal: boolean;
}

/** One change to the store. A batch of them is applied atomically. */
export type StoreOp =
  /** A message now waits in `container` (a queue or a durable subscription). */
  | { op: 'add'; container: string; message: StoredMessage }
  /** The message was consumed (or moved elsewhere) and leaves `container` for good. */
  | { op: 'remove'; container: string; seq: number }
  /** Redelivery bookkeeping that must survive a restart. */
  | { op: 'update'; container: string; seq: number; redeliveryCount: number; deliverAt: number }
  | { op: 'addSubscription'; subscription: DurableSubscriptionRecord }
  /** Deletes the subscription and every message waiting in its container. */
  | { op: 'removeSubscription'; clientId: string; name: string };

/** Container name of a queue. */
export const queueContainer = (queueName: string): string => `queue:${queueName}`;
/** Container name of a durable subscription. */
export const durableContainer = (clientId: string, name: string): string => `durable:${clientId}:${name}`;

/** What the store found when it opened. */
export interface StoreRecovery {
  /** Containers holding at least one message, with their message counts. */
  containers: Map<string, number>;
  subscriptions: DurableSubscriptionRecord[];
  /** Highest `seq` ever written; the broker continues above it. */
  lastSeq: number;
  /** Human-readable notes for the log (e.g. a torn tail that was cut off). */
  warnings: string[];
}

/** Bytes used, for `storeUsage` / `tempUsage` enforcement and metrics. */
export interface StoreUsage {
  bytes: number;
}

/**
 * Where a queue counts the memory of the messages it holds itself (its page, its consumers'
 * unacknowledged messages) when their store keeps them on disk only.
 */
export interface CursorMemory {
  add(bytes: number, container: string): void;
  release(bytes: number, container: string): void;
  /** Bytes `container` may still take before its memory limit (or the broker's) is reached; Infinity without a limit. */
  room(container: string): number;
}

/**
 * Where the broker keeps messages that wait. One interface for the journal (persistent) store and
 * the in-memory store; every implementation passes the same conformance suite.
 *
 * The broker holds only a page of each container's messages in memory (its cursor) and calls
 * {@link MessageStore.load} for the next page as consumers drain, so a store may keep
 * bodies on disk only.
 */
export interface MessageStore {
  /** Opens (and for a disk store, replays) the store. Called once, before anything else. */
  open(): Promise<StoreRecovery>;
  /**
   * Applies `ops` atomically: after a crash either all of them are found again or none.
   * Resolves once they are durable (for a disk store: written and fsynced). Concurrent calls are
   * committed together (group commit), so callers should not batch on their own.
   * Rejects with a {@link StoreError} (e.g. code `STORE_FULL`, `STORE_IO`) and then applies none.
   */
  write(ops: StoreOp[]): Promise<void>;
  /**
   * Applies `ops` at once, when the store can do so without I/O, with the same all-or-nothing
   * rule as {@link write}. The broker's hot path uses it for non-persistent messages: a SEND then
   * costs no promise and no microtask before its message can be dispatched.
   *
   * Absent, or returning false: the store cannot apply these ops synchronously (e.g. they must
   * go to disk) and applied none of them; the caller uses {@link write}.
   * @throws StoreError when {@link write} would reject (e.g. `STORE_FULL`); then none is applied.
   */
  writeNow?(ops: StoreOp[]): boolean;
  /**
   * Like {@link write}, for ops whose durability nobody waits for (the removal of messages
   * consumed with auto acknowledgement, or expired): a disk store may hold them back for a short
   * while so that they share the next {@link write}'s fsync instead of costing one of their own.
   * They keep their order with later writes, and {@link close} commits them. A crash may lose
   * them; their messages then come back after the restart (delivered at least once, never lost).
   *
   * Absent: the caller uses {@link write}.
   */
  writeLazily?(ops: StoreOp[]): Promise<void>;
  /**
   * Up to `max` messages of `container` with `seq > afterSeq`, in `seq` order.
   * Messages removed by a resolved {@link write} are never returned.
   */
  load(container: string, afterSeq: number, max: number): Promise<StoredMessage[]>;
  /** Number of messages waiting in `container`. */
  count(container: string): number;
  usage(): StoreUsage;
  /**
   * True when the store holds message `seq` of `container` in memory and counts it against the
   * broker's memory itself, so that a queue paging it in must not count it again. Absent: never
   * (the store keeps bodies on disk).
   */
  residentInMemory?(container: string, seq: number): boolean;
  /**
   * Set on the broker's store of non-persistent messages when queues must count the messages they
   * page in from disk against memory (see {@link CursorMemory}); absent: they do not count them.
   */
  readonly cursorMemory?: CursorMemory;
  /** Flushes and releases files. The store can be opened again by a new instance. */
  close(): Promise<void>;
}

/** Error raised by a store; `code` is stable and appears in the STOMP ERROR frame. */
export class StoreError extends Error {
  constructor(
    readonly code: 'STORE_FULL' | 'STORE_IO' | 'STORE_CORRUPT' | 'STORE_CLOSED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
