import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCli, runBrokerCli } from './helpers/broker-process.js';
import { RawStompClient } from './helpers/raw-client.js';
import { within } from './helpers/within.js';

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-cli-'));
  // The CLI runs from the build output, which the test run's global setup brings up to date.
  expect(existsSync(brokerCli)).toBe(true);
}, 150_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const run = (args: string[]) => runBrokerCli(args, workDir);

describe('tsmq-broker CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = run(['--help']);
    expect(await within(r.exited, 10_000, 'exit')).toBe(0);
    expect(r.stdout()).toContain('Usage: tsmq-broker');
    expect(r.stdout()).toContain('--stomp-port');
  });

  it('an unknown option prints the usage on stderr and exits 1', async () => {
    const r = run(['--frobnicate']);
    expect(await within(r.exited, 10_000, 'exit')).toBe(1);
    expect(r.stderr()).toContain('--frobnicate');
  });

  it('starts with port 0, prints the real addresses then "ready", serves STOMP, and exits 0 on SIGTERM', async () => {
    const r = run(['--stomp-port', '0', '--ws-port', '0', '--data', path.join(workDir, 'data')]);
    try {
      await r.ready(10_000);
      const stomp = r.stdout().match(/^listening: stomp:\/\/0\.0\.0\.0:(\d+)$/m);
      expect(r.stdout()).toMatch(/^listening: ws:\/\/0\.0\.0\.0:\d+$/m);
      expect(stomp).not.toBeNull();
      const c = await RawStompClient.tcp(Number(stomp![1]));
      const connected = await c.connect();
      expect(connected.headers.server).toBe('tsmq/0.1.0');
      expect(await r.stop()).toBe(0);
      await c.waitClosed();
    } finally {
      r.kill();
    }
  });

  it('a configuration error prints the loader message and exits 1', async () => {
    const file = path.join(workDir, 'bad-activemq.xml');
    await writeFile(file, '<beans><broker xmlns="http://activemq.apache.org/schema/core"><transportConnectors><transportConnector name="x" uri="bogus://0.0.0.0:1"/></transportConnectors></broker></beans>');
    const r = run(['--config', file]);
    expect(await within(r.exited, 10_000, 'exit')).toBe(1);
    expect(r.stderr()).toContain('bad-activemq.xml');
  });
});
