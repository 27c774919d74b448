/**
 * The load generator against a real broker (ours, in process, on loopback ephemeral ports):
 * the scenarios' correctness counters must come out clean. Throughput is never asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Broker, silentLogger } from '@tsmq/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScenarios, brokerFsyncCount, runFlowScenario, type FlowScenario, type ScenarioResult, type Target } from '../src/index.js';

let broker: Broker;
let dataDir: string;
let target: Target;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-test-'));
  broker = new Broker({
    dataDirectory: dataDir,
    logger: silentLogger,
    transportConnectors: [
      { protocol: 'stomp', host: '127.0.0.1', port: 0 },
      { protocol: 'ws', host: '127.0.0.1', port: 0 },
    ],
  });
  await broker.start();
  const stomp = broker.addresses().find((a) => a.protocol === 'stomp')!;
  const ws = broker.addresses().find((a) => a.protocol === 'ws')!;
  target = {
    label: 'tsmq',
    kind: 'tsmq',
    host: '127.0.0.1',
    port: stomp.port,
    credentials: {},
    ws: { url: `ws://127.0.0.1:${ws.port}/`, protocols: ['v12.stomp'] },
    // The broker shares this process: its memory is not what a report should show.
    pid: () => undefined,
  };
});

afterAll(async () => {
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function scenario(id: string): FlowScenario {
  const s = allScenarios().find((x) => x.id === id);
  if (!s || s.kind !== 'flow') throw new Error(`no flow scenario ${id}`);
  return s;
}

let runs = 0;
async function quickRun(s: FlowScenario): Promise<ScenarioResult> {
  return runFlowScenario(target, s, { durationMs: 300, runTag: `t${runs++}`, log: () => {} });
}

function expectEveryMessageOnce(r: ScenarioResult): void {
  expect(r.reason).toBeUndefined();
  expect(r.status).toBe('ok');
  expect(r.messages).toBeGreaterThan(0);
  expect({ lost: r.lost, duplicates: r.duplicates, outOfOrder: r.outOfOrder }).toEqual({ lost: 0, duplicates: 0, outOfOrder: 0 });
}

describe('load generator against our broker', () => {
  it('scenario 1 (--quick path): every message received exactly once, in order, with latency figures', async () => {
    const r = await quickRun(scenario('1'));
    expectEveryMessageOnce(r);
    expect(r.latencyP50Ms).toBeDefined();
    expect(r.latencyP99Ms!).toBeGreaterThanOrEqual(r.latencyP50Ms!);
    expect(r.latencyMaxMs!).toBeGreaterThanOrEqual(r.latencyP99Ms!);
    expect(r.mbPerSec).toBeGreaterThan(0);
  });

  it('STOMP 1.2 §Header receipt and §ACK: scenario 2 confirms every persistent send and acknowledges every message', async () => {
    expectEveryMessageOnce(await quickRun(scenario('2')));
  });

  it('scenario 3: four producers spread over four queue consumers, each message to exactly one of them', async () => {
    expectEveryMessageOnce(await quickRun(scenario('3')));
  });

  it('scenario 4: eight receipted persistent producers, and messages per fsync from the broker statistics (storeFsyncs)', async () => {
    const before = await brokerFsyncCount(target);
    const r = await quickRun(scenario('4'));
    expectEveryMessageOnce(r);
    const after = await brokerFsyncCount(target);
    expect(before).toBeTypeOf('number');
    expect(after!).toBeGreaterThan(before!);
    expect(r.figures['msgsPerFsync']).toBeGreaterThan(0);
    expect(r.notes['msgs/fsync']).toMatch(/^\d+(\.\d)?$/);
  });

  it('scenario 5: every topic subscriber receives every message (deliveries = 8 x sent)', async () => {
    const r = await quickRun(scenario('5'));
    expectEveryMessageOnce(r);
    expect(r.messages % 8).toBe(0);
  });

  it('scenario 8: the workload still completes cleanly beside idle heart-beating connections', async () => {
    expectEveryMessageOnce(await quickRun({ ...scenario('8'), idleConnections: 50 }));
  });

  it('scenario 10: the same workload over STOMP over WebSocket (subprotocol v12.stomp)', async () => {
    expectEveryMessageOnce(await quickRun(scenario('10')));
  });

  it('a WebSocket scenario against a broker without WebSocket reports n/a instead of failing', async () => {
    const { ws: _ws, ...withoutWs } = target;
    const r = await runFlowScenario(withoutWs, scenario('10'), { durationMs: 100, runTag: 'nows', log: () => {} });
    expect(r.status).toBe('n/a');
  });

  it('a broker that is not there makes a failed result with the reason, not an exception', async () => {
    const gone: Target = { ...target, port: 1 };
    const r = await runFlowScenario(gone, scenario('1'), { durationMs: 100, runTag: 'gone', log: () => {} });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/connect/);
  });
});
