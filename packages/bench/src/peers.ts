/**
 * Peer brokers for side-by-side runs, started with the shared scripts in `../shared/peers`
 * (relative to the repository root): ActiveMQ Classic and RabbitMQ.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BrokerStartError } from './errors.js';
import { PEERS_DIR } from './paths.js';
import { pidListeningOn } from './listener-pid.js';
import { isListening } from './ports.js';
import type { Target } from './target.js';

const run = promisify(execFile);

/** A started peer: its target, and how to stop it. */
export interface Peer {
  target: Target;
  /** Stops the peer if this tool started it (one found already running is left alone). */
  stop(): Promise<void>;
}

/**
 * ActiveMQ's STOMP port for benchmark runs. Not the script's default (61713), so that another
 * ActiveMQ started with the default, e.g. by interoperability tests, neither collides with ours
 * nor is measured by mistake.
 */
const ACTIVEMQ_STOMP_PORT = 61753;
const ACTIVEMQ_OPENWIRE_PORT = 61756;
const RABBITMQ_STOMP_PORT = 61733;
const RABBITMQ_WEB_STOMP_PORT = 15774;

/** Installing the Debian package on first use takes minutes. */
const START_TIMEOUT_MS = 15 * 60_000;

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts ActiveMQ Classic in a fresh base directory (so its KahaDB store starts empty), or uses
 * one already listening on the benchmark's port (left running afterwards).
 */
export async function startActiveMq(log: (line: string) => void): Promise<Peer> {
  const script = path.join(PEERS_DIR, 'activemq', 'start.sh');
  const credentials = { login: 'admin', passcode: 'admin' };
  const target: Target = {
    label: 'ActiveMQ',
    kind: 'activemq',
    host: '127.0.0.1',
    port: ACTIVEMQ_STOMP_PORT,
    credentials,
    pid: () => undefined,
  };
  if (await isListening('127.0.0.1', ACTIVEMQ_STOMP_PORT)) {
    log(`ActiveMQ already listens on 127.0.0.1:${ACTIVEMQ_STOMP_PORT}; using it and leaving it running`);
    const pid = await pidListeningOn(ACTIVEMQ_STOMP_PORT);
    target.pid = () => pid;
    return { target, stop: async () => {} };
  }
  if (!existsSync(script)) throw new BrokerStartError(`no ActiveMQ start script in ../shared/peers`);
  const base = await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-activemq-'));
  const env = { ...process.env, ACTIVEMQ_STOMP_PORT: String(ACTIVEMQ_STOMP_PORT), ACTIVEMQ_OPENWIRE_PORT: String(ACTIVEMQ_OPENWIRE_PORT) };
  log(`starting ActiveMQ (STOMP 127.0.0.1:${ACTIVEMQ_STOMP_PORT})...`);
  try {
    await run('bash', [script, base], { env, timeout: START_TIMEOUT_MS });
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw new BrokerStartError(`ActiveMQ did not start: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const pidFile = path.join(base, 'pid');
  target.pid = () => readPid(pidFile);
  target.startedHere = true;
  return {
    target,
    async stop() {
      const pid = readPid(pidFile);
      if (pid !== undefined) await terminate(pid);
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Starts RabbitMQ with its STOMP and Web-STOMP plugins, or uses the one already running. */
export async function startRabbitMq(log: (line: string) => void): Promise<Peer> {
  const dir = path.join(PEERS_DIR, 'rabbitmq');
  if (!existsSync(path.join(dir, 'start.sh'))) throw new BrokerStartError(`no RabbitMQ start script in ../shared/peers`);
  const alreadyUp = await isListening('127.0.0.1', RABBITMQ_STOMP_PORT);
  // Its node name is fixed, so there is only ever one: share a running one rather than fight over it.
  const base = alreadyUp ? undefined : await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-rabbitmq-'));
  if (base !== undefined) {
    log(`starting RabbitMQ (STOMP 127.0.0.1:${RABBITMQ_STOMP_PORT})...`);
    try {
      await run('bash', [path.join(dir, 'start.sh'), base], { timeout: START_TIMEOUT_MS });
    } catch (error) {
      await rm(base, { recursive: true, force: true });
      throw new BrokerStartError(`RabbitMQ did not start: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  } else {
    log('RabbitMQ is already running; using it and leaving it running');
  }
  const webStomp = await isListening('127.0.0.1', RABBITMQ_WEB_STOMP_PORT);
  const runningPid = base === undefined ? await pidListeningOn(RABBITMQ_STOMP_PORT) : undefined;
  const target: Target = {
    label: 'RabbitMQ',
    kind: 'rabbitmq',
    host: '127.0.0.1',
    port: RABBITMQ_STOMP_PORT,
    credentials: { login: 'guest', passcode: 'guest', vhost: '/' },
    ...(webStomp ? { ws: { url: `ws://127.0.0.1:${RABBITMQ_WEB_STOMP_PORT}/ws`, protocols: ['v12.stomp'] } } : {}),
    pid: () => (base !== undefined ? readPid(path.join(base, 'pid')) : runningPid),
    startedHere: base !== undefined,
  };
  return {
    target,
    async stop() {
      if (base === undefined) return;
      await run('bash', [path.join(dir, 'stop.sh')], { timeout: 120_000 }).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** SIGTERM, then SIGKILL if the process is still there after 20 s. */
async function terminate(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}
