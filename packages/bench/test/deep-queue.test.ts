/**
 * Scenario 9 against our broker in process (no restart: that needs a child process): the backlog
 * is built with receipted persistent sends, then drained completely and in order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Broker, silentLogger } from '@tsmq/broker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allScenarios, runDeepQueueScenario, type DeepQueueScenario, type Target } from '../src/index.js';

let broker: Broker;
let dataDir: string;
let target: Target;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-deep-'));
  broker = new Broker({ dataDirectory: dataDir, logger: silentLogger, transportConnectors: [{ protocol: 'stomp', host: '127.0.0.1', port: 0 }] });
  await broker.start();
  target = { label: 'tsmq', kind: 'tsmq', host: '127.0.0.1', port: broker.addresses()[0]!.port, credentials: {}, pid: () => undefined };
});

afterAll(async () => {
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('STOMP 1.2 §Header receipt: every receipted message of the backlog is drained exactly once, in order', async () => {
  const scenario = allScenarios().find((s): s is DeepQueueScenario => s.kind === 'deep')!;
  const [fill, drain] = await runDeepQueueScenario(target, scenario, { depth: 3000, durationMs: 0, runTag: 'deep', log: () => {} });
  expect(fill).toMatchObject({ scenario: '9-fill', status: 'ok', messages: 3000 });
  expect(drain).toMatchObject({ scenario: '9-drain', status: 'ok', messages: 3000, lost: 0, duplicates: 0, outOfOrder: 0 });
  // No restart was possible, so no restart time is claimed.
  expect(drain!.figures['restartToFirstMessageMs']).toBeUndefined();
});
