import type { MessageStore, StoreOp } from '../store/message-store.js';

/**
 * Store changes to make together, grouped per store (each group is one atomic write), and the
 * steps that make their messages visible once every group is written.
 */
export class DeliveryPlan {
  /** Ops per store, in the order they were added. */
  readonly writes = new Map<MessageStore, StoreOp[]>();
  private readonly steps: Array<() => void> = [];

  add(store: MessageStore, op: StoreOp): void {
    const ops = this.writes.get(store);
    if (ops) ops.push(op);
    else this.writes.set(store, [op]);
  }

  /** Runs `step` at {@link apply}, after the writes. */
  then(step: () => void): void {
    this.steps.push(step);
  }

  /** Writes every group; undefined when there is nothing to write. */
  write(): Promise<void> | undefined {
    if (this.writes.size === 0) return undefined;
    if (this.writes.size === 1) {
      const [[store, ops]] = this.writes;
      return store!.write(ops!);
    }
    const all: Promise<void>[] = [];
    for (const [store, ops] of this.writes) all.push(store.write(ops));
    return Promise.all(all).then(() => undefined);
  }

  apply(): void {
    for (const step of this.steps) step();
  }
}
