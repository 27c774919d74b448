import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './helpers/broker.js';

const script = fileURLToPath(new URL('./interop/stomp_py_client.py', import.meta.url));

/** Runs the stomp.py driver and resolves with the JSON it prints; bounded so a hang fails the test. */
function runStompPy(port: number, queue: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // Debian's python3 carries python3-stomp; another python may come first on PATH.
    const child = spawn('/usr/bin/python3', [script, '127.0.0.1', String(port), queue], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`stomp.py driver exited ${code}: ${err || out}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

describe('interop: stomp.py over TCP', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('STOMP 1.2: sends, subscribes with client-individual acks, uses transactions and NACK', async () => {
    const r = await runStompPy(broker.stompPort, '/queue/interop.py');
    expect(r.errors).toEqual([]);
    expect(r.plain).toEqual(['plain 0', 'plain 1', 'plain 2']);
    expect(r.headers).toEqual({ destination: '/queue/interop.py', subscription: 'sub-1', weight: '10', persistent: 'true' });
    expect(r.has_message_id).toBe(true);
    expect(r.transaction).toEqual(['tx a', 'tx b', 'after abort']);
    expect(r.redelivered).toEqual({ body: 'nack me', redelivered: 'true' });
    // Everything was acknowledged: nothing may be left waiting.
    const queue = broker.broker.stats().destinations.find((d) => d.destination === '/queue/interop.py');
    expect(queue).toMatchObject({ depth: 0, inflight: 0, enqueued: 7 });
  });
});
