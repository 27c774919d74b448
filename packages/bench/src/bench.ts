/**
 * The benchmark run: brings up the brokers, runs the selected scenarios (brokers alternating
 * within each round), and tears everything down.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BenchUsageError } from './errors.js';
import { measureIdleConnectionCost } from './idle-connections.js';
import { pidListeningOn } from './listener-pid.js';
import { machineInfo, type MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import { OurBroker } from './our-broker.js';
import { startActiveMq, startRabbitMq, type Peer } from './peers.js';
import { addRelativeThroughput, combineAll } from './report.js';
import type { ScenarioResult } from './result.js';
import { runDeepQueueScenario, type DeepQueueOptions } from './run-deep.js';
import { runFlowScenario } from './run-flow.js';
import { allScenarios, type FlowScenario, type Scenario } from './scenarios.js';
import { StompSession } from './stomp-session.js';
import { parseTargetSpec, tcpEndpoint, type Target } from './target.js';
import { continueAll, withOthersSuspended } from './suspend.js';

/** What a benchmark run produced. */
export interface BenchReport {
  machine: MachineInfo;
  /** Every run, in the order they happened. */
  runs: ScenarioResult[];
  /** Rounds combined: one row per scenario and broker. */
  combined: ScenarioResult[];
  /** Label of our broker, when it took part. */
  ours?: string;
  /** Labels of the other brokers. */
  others: string[];
  /** Where our broker's CPU profile was written (`--profile`). */
  profileDir?: string;
}

/** Runs one scenario on one broker. */
export async function runScenario(
  target: Target,
  scenario: Scenario,
  options: DeepQueueOptions,
): Promise<ScenarioResult[]> {
  if (scenario.kind === 'deep') return runDeepQueueScenario(target, scenario, options);
  return [await runFlowScenario(target, scenario, options)];
}

/** Runs the benchmark as the options say; `log` receives progress lines. */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const scenarios = allScenarios({ idleConnections: options.idleConnections }).filter(
    (s) => !options.scenarios || options.scenarios.includes(s.number),
  );
  const targets: Target[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const report: BenchReport = { machine: machineInfo(), runs: [], combined: [], others: [] };
  try {
    if (options.target) {
      targets.push(await externalTarget(options.target, options.label, options.ws));
      report.others.push(targets[0]!.label);
    } else {
      let profileDir: string | undefined;
      if (options.profile) {
        profileDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-profile-'));
        report.profileDir = profileDir;
      }
      log('starting our broker...');
      const ours = await OurBroker.start({
        brokerArgs: options.brokerArgs,
        ...(options.label ? { label: options.label } : {}),
        ...(profileDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
      });
      cleanups.push(() => ours.stop());
      targets.push(ours.target());
      report.ours = targets[0]!.label;
      if (options.compare) {
        for (const start of [startActiveMq, startRabbitMq]) {
          try {
            const peer: Peer = await start(log);
            cleanups.push(() => peer.stop());
            targets.push(peer.target);
            report.others.push(peer.target.label);
          } catch (error) {
            log(`peer unavailable, comparing without it: ${(error as Error).message}`);
          }
        }
      }
    }
    const stamp = Date.now().toString(36);
    // Measured first, on brokers that have carried no load yet; see measureIdleConnectionCost.
    const idleCost = new Map<Target, number>();
    const idleScenario = scenarios.find((s): s is FlowScenario => s.kind === 'flow' && s.idleConnections !== undefined);
    if (idleScenario?.idleConnections) {
      for (const target of targets) {
        log(`measuring ${target.label}'s memory per idle connection (${idleScenario.idleConnections} connections)...`);
        try {
          const cost = await withOthersSuspended(target, targets, () => measureIdleConnectionCost(target, idleScenario.idleConnections!, 10_000));
          if (cost !== undefined) idleCost.set(target, cost);
        } catch (error) {
          log(`  failed: ${(error as Error).message}`);
        }
      }
    }
    if (options.warmupMs > 0) {
      const warmup = allScenarios().find((s): s is FlowScenario => s.kind === 'flow' && s.id === '1')!;
      for (const [index, target] of targets.entries()) {
        log(`warming up ${target.label} (${options.warmupMs / 1000} s of scenario 1, not reported)`);
        const r = await withOthersSuspended(target, targets, () =>
          runFlowScenario(target, warmup, { durationMs: options.warmupMs, runTag: `${stamp}.warmup.${index}`, log }),
        );
        if (r.status !== 'ok') log(`  warm-up ${r.status}: ${r.reason ?? ''}`);
      }
    }
    for (const scenario of scenarios) {
      for (let round = 1; round <= options.rounds; round++) {
        for (const [index, target] of targets.entries()) {
          log(`scenario ${scenario.id} on ${target.label}${options.rounds > 1 ? `, round ${round}` : ''}: ${scenario.title}`);
          const results = await withOthersSuspended(target, targets, () =>
            runScenario(target, scenario, {
              durationMs: options.durationMs,
              depth: options.deep,
              runTag: `${stamp}.${round}.${index}`,
              log,
              ...(idleCost.has(target) ? { idleConnectionCost: idleCost.get(target)! } : {}),
            }),
          );
          for (const r of results) {
            log(`  -> ${summarize(r)}`);
            report.runs.push(r);
          }
        }
      }
    }
  } finally {
    continueAll(targets);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: Error) => log(`cleanup failed: ${e.message}`));
  }
  report.combined = combineAll(report.runs);
  addRelativeThroughput(report.combined);
  return report;
}

function summarize(r: ScenarioResult): string {
  if (r.status !== 'ok' && r.messages === 0) return `${r.status}: ${r.reason ?? ''}`;
  const rate = r.msgsPerSec === undefined ? '-' : Math.round(r.msgsPerSec).toLocaleString('en-US');
  const status = r.status === 'ok' ? '' : ` ${r.status.toUpperCase()}: ${r.reason ?? ''}`;
  return `${rate} msgs/s, lost ${r.lost}, dup ${r.duplicates}, out of order ${r.outOfOrder}${status}`;
}

/** A broker given with `--target`: connects once to learn its `server` header (the default label). */
async function externalTarget(spec: string, label: string | undefined, wsUrl: string | undefined): Promise<Target> {
  const parsed = parseTargetSpec(spec);
  if (!parsed) throw new BenchUsageError(`--target wants host:port[,login,passcode,vhost], got ${spec}`);
  // A broker on this machine still gets its memory and CPU measured.
  const pid = ['127.0.0.1', 'localhost', '::1'].includes(parsed.host) ? await pidListeningOn(parsed.port) : undefined;
  const target: Target = { label: label ?? spec, kind: 'stomp', ...parsed, pid: () => pid };
  if (wsUrl) target.ws = { url: wsUrl, protocols: ['v12.stomp'] };
  const probe = await StompSession.open(tcpEndpoint(target), parsed.credentials);
  await probe.disconnect();
  if (!label && probe.server) target.label = probe.server;
  if (/^activemq/i.test(probe.server)) target.kind = 'activemq';
  else if (/^rabbitmq/i.test(probe.server)) target.kind = 'rabbitmq';
  return target;
}
