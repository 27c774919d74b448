import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../src/core/destination-name.js';
import { MemoryUsage } from '../../src/core/memory-usage.js';
import { queueContainer } from '../../src/store/message-store.js';

const orders = parseDestination('/queue/orders')!;

describe('MemoryUsage', () => {
  it('a destination with a policy memoryLimit counts against its own limit and the broker\'s', () => {
    const system = new MemoryUsage(1000);
    const child = system.forDestination(orders, 100);
    expect(system.forDestination(parseDestination('/queue/other')!, 0)).toBe(system);
    // The in-memory store reports bytes by container; they reach the destination's usage.
    system.add(100, queueContainer('orders'));
    expect(child.bytes).toBe(100);
    expect(system.bytes).toBe(100);
    expect(child.full).toBe(true);
    expect(system.full).toBe(false);
    expect(child.describeFull()).toBe('memory limit of 100 bytes reached on queue://orders');
    system.release(100, queueContainer('orders'));
    expect(child.bytes).toBe(0);
    expect(system.bytes).toBe(0);
  });

  it('whenAvailable waits until neither the destination nor the broker is full', () => {
    const system = new MemoryUsage(200);
    const child = system.forDestination(orders, 100);
    system.add(150);
    child.add(100);
    let called = 0;
    child.whenAvailable(() => called++);
    child.release(50);
    // The destination has room now, the broker (200 of 200) still not.
    expect(called).toBe(0);
    system.release(100);
    expect(called).toBe(1);
    expect(system.describeFull()).toBe('memory limit of 200 bytes (systemUsage) reached');
  });
});
