/**
 * Our broker as a child process: `node packages/broker/dist/cli.js --config FILE --stomp-port P --ws-port Q --data DIR`,
 * on free loopback ports and a fresh data directory, with kill-and-restart on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BrokerStartError } from './errors.js';
import { BROKER_CLI } from './paths.js';
import { freePort } from './ports.js';
import { delay } from './clock.js';
import { StompSession } from './stomp-session.js';
import type { Target } from './target.js';

/**
 * Node flags our broker runs with, as the root `npm start` script runs it: a larger young
 * generation (32 MiB semi-spaces instead of 16) lets the short-lived objects of each frame die
 * there instead of being promoted, which lowers the broker's garbage collection time in the
 * flat-out scenarios (see docs/performance.md).
 */
export const BROKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** Connections the broker accepts: scenario 8's idle ones plus the load, with room to spare. */
const MAX_CONNECTIONS = 100_000;

/** Options of {@link OurBroker.start}. */
export interface OurBrokerOptions {
  /** Extra arguments for node itself, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra arguments for the broker CLI. */
  brokerArgs?: string[];
  /** Bound for the broker to accept a STOMP CONNECT. Default 60 s. */
  startTimeoutMs?: number;
  /** Label in the report. Default `tsmq`. */
  label?: string;
}

/** A running instance of our broker; see the module comment. */
export class OurBroker {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    /** The temporary directory holding the data directory and the broker's log. */
    readonly baseDir: string,
    readonly stompPort: number,
    readonly wsPort: number,
    private readonly options: OurBrokerOptions,
  ) {}

  /** Starts the broker and returns once it answers a STOMP CONNECT. */
  static async start(options: OurBrokerOptions = {}): Promise<OurBroker> {
    if (!existsSync(BROKER_CLI)) {
      throw new BrokerStartError(`our broker is not built (${path.basename(BROKER_CLI)} missing); run tsc -b first`);
    }
    const baseDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-'));
    const broker = new OurBroker(baseDir, await freePort(), await freePort(), options);
    await broker.launch();
    return broker;
  }

  /** The data directory passed to the broker with `--data`. */
  get dataDir(): string {
    return path.join(this.baseDir, 'data');
  }

  /** The broker's log (stdout and stderr, appended across restarts). */
  get logFile(): string {
    return path.join(this.baseDir, 'broker.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The scenarios' view of this broker. */
  target(): Target {
    return {
      label: this.options.label ?? 'tsmq',
      kind: 'tsmq',
      host: '127.0.0.1',
      port: this.stompPort,
      credentials: {},
      ws: { url: `ws://127.0.0.1:${this.wsPort}/`, protocols: ['v12.stomp'] },
      pid: () => this.pid,
      restart: () => this.restart(),
      startedHere: true,
    };
  }

  /** Kills the broker with SIGKILL (a crash, as a restart after power loss would see) and starts it on the same data. */
  async restart(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    await this.launch();
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and deletes its directory unless `keep`. */
  async stop(keep = false): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(killer);
    }
    this.child = undefined;
    if (!keep) await rm(this.baseDir, { recursive: true, force: true });
  }

  /**
   * The configuration file the broker runs with: loopback only, like the peers, and no
   * connection limit below scenario 8's needs (ActiveMQ's default of 1000 is a limit the peer
   * brokers do not have either).
   */
  private async writeConfig(): Promise<string> {
    const file = path.join(this.baseDir, 'activemq.xml');
    const options = `maximumConnections=${MAX_CONNECTIONS}`;
    await writeFile(
      file,
      [
        '<beans xmlns="http://www.springframework.org/schema/beans">',
        '  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="bench">',
        '    <transportConnectors>',
        `      <transportConnector name="stomp" uri="stomp://127.0.0.1:${this.stompPort}?${options}"/>`,
        `      <transportConnector name="ws" uri="ws://127.0.0.1:${this.wsPort}?${options}"/>`,
        '    </transportConnectors>',
        '  </broker>',
        '</beans>',
        '',
      ].join('\n'),
    );
    return file;
  }

  private async launch(): Promise<void> {
    const args = [
      ...BROKER_NODE_FLAGS,
      ...(this.options.nodeArgs ?? []),
      BROKER_CLI,
      '--config',
      await this.writeConfig(),
      '--stomp-port',
      String(this.stompPort),
      '--ws-port',
      String(this.wsPort),
      '--data',
      this.dataDir,
      ...(this.options.brokerArgs ?? []),
    ];
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, args, { cwd: this.baseDir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    // Readiness is "a STOMP handshake succeeds": it holds whatever the CLI prints.
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new BrokerStartError(`our broker exited during start-up (code ${child.exitCode ?? child.signalCode}); see ${this.logFile}`);
      }
      try {
        const probe = await StompSession.open({ kind: 'tcp', host: '127.0.0.1', port: this.stompPort }, { timeoutMs: 2000 });
        await probe.disconnect();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new BrokerStartError(`our broker did not accept STOMP within ${timeoutMs} ms; see ${this.logFile}`, { cause: error });
        }
        await delay(50);
      }
    }
  }
}
