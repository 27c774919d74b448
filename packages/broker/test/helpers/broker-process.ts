import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { within } from './within.js';

/** The broker CLI in the build output, which the test run's global setup brings up to date. */
export const brokerCli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** `tsmq-broker` running as a child process, with what it printed so far. */
export interface BrokerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once the process and its output are closed. */
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** The addresses of the `listening: <url>` lines printed so far, in order. */
  listening(): string[];
  /** The port of the first `stomp://` address it listens on. */
  stompPort(): number;
  /** Waits for the `ready` line; rejects if the process exits first or after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM and resolves with the exit code; rejects after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL; harmless once the process has exited, so it fits a `finally`. */
  kill(): void;
}

/** Runs the broker CLI with `args` in `cwd` without waiting for anything. */
export function runBrokerCli(args: string[], cwd: string): BrokerProcess {
  const child = spawn(process.execPath, [brokerCli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // 'close' rather than 'exit': by then all of stdout and stderr has been read, so tests can check them.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const listening = () => [...out.matchAll(/^listening: (\S+)$/gm)].map((m) => m[1]!);
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    listening,
    stompPort() {
      const url = listening().find((u) => u.startsWith('stomp://'));
      if (url === undefined) throw new Error(`no stomp:// address in the output:\n${out}`);
      return Number(new URL(url).port);
    },
    ready(timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => /^ready$/m.test(out) && finish();
        const timer = setTimeout(() => finish(new Error(`not ready within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`)), timeoutMs);
        const finish = (error?: Error) => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          if (error) reject(error);
          else resolve();
        };
        child.stdout!.on('data', check);
        void exited.then((code) => finish(new Error(`exited ${code} before ready; stdout: ${out} stderr: ${err}`)));
        check();
      });
    },
    stop(timeoutMs = 10_000) {
      child.kill('SIGTERM');
      return within(exited, timeoutMs, 'exit after SIGTERM');
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

/** Runs the broker CLI and waits until it is ready; kills it if it does not get there. */
export async function startBrokerCli(args: string[], cwd: string, timeoutMs = 15_000): Promise<BrokerProcess> {
  const broker = runBrokerCli(args, cwd);
  try {
    await broker.ready(timeoutMs);
  } catch (err) {
    broker.kill();
    throw err;
  }
  return broker;
}

/** A field of /proc/<pid>/status in bytes (VmRSS now, VmHWM the peak): what the process really holds. */
export async function procBytes(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
