import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawStompClient } from './helpers/raw-client.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(packageDir, 'dist', 'cli.js');
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-cli-'));
  // The CLI runs from the build output, which the test run's global setup brings up to date.
  expect(existsSync(cli)).toBe(true);
}, 150_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [cli, ...args], { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for a stdout line matching `pattern`; fails after `timeoutMs` or if the process exits first. */
async function waitForLine(r: Run, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = r.stdout().match(pattern);
    if (m) return m;
    if (r.child.exitCode !== null) throw new Error(`exited ${r.child.exitCode}: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${r.stdout()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms))]);
}

describe('tsmq-broker CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = run(['--help']);
    expect(await bounded(r.exited, 10_000, 'exit')).toBe(0);
    expect(r.stdout()).toContain('Usage: tsmq-broker');
    expect(r.stdout()).toContain('--stomp-port');
  });

  it('an unknown option prints the usage on stderr and exits 1', async () => {
    const r = run(['--frobnicate']);
    expect(await bounded(r.exited, 10_000, 'exit')).toBe(1);
    expect(r.stderr()).toContain('--frobnicate');
  });

  it('starts with port 0, prints the real addresses then "ready", serves STOMP, and exits 0 on SIGTERM', async () => {
    const r = run(['--stomp-port', '0', '--ws-port', '0', '--data', path.join(workDir, 'data')]);
    try {
      await waitForLine(r, /^ready$/m);
      const stomp = r.stdout().match(/^listening: stomp:\/\/0\.0\.0\.0:(\d+)$/m);
      expect(r.stdout()).toMatch(/^listening: ws:\/\/0\.0\.0\.0:\d+$/m);
      expect(stomp).not.toBeNull();
      const c = await RawStompClient.tcp(Number(stomp![1]));
      const connected = await c.connect();
      expect(connected.headers.server).toBe('tsmq/0.1.0');
      r.child.kill('SIGTERM');
      expect(await bounded(r.exited, 10_000, 'exit after SIGTERM')).toBe(0);
      await c.waitClosed();
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('a configuration error prints the loader message and exits 1', async () => {
    const file = path.join(workDir, 'bad-activemq.xml');
    await writeFile(file, '<beans><broker xmlns="http://activemq.apache.org/schema/core"><transportConnectors><transportConnector name="x" uri="bogus://0.0.0.0:1"/></transportConnectors></broker></beans>');
    const r = run(['--config', file]);
    expect(await bounded(r.exited, 10_000, 'exit')).toBe(1);
    expect(r.stderr()).toContain('bad-activemq.xml');
  });
});
