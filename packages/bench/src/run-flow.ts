/**
 * Runs one producers-to-consumers scenario against one broker and measures it.
 */
import { brokerFsyncCount } from './broker-stats.js';
import { nowMicros } from './clock.js';
import { awaitDeliveries } from './completion.js';
import { Consumer } from './consumer.js';
import { DeliveryTracker } from './delivery-tracker.js';
import { LatencyHistogram } from './histogram.js';
import { IdleConnections } from './idle-connections.js';
import { ResourceMeter } from './measurement.js';
import { Producer } from './producer.js';
import { purgeQueue } from './purge.js';
import { unavailable, type ScenarioResult } from './result.js';
import type { FlowScenario } from './scenarios.js';
import { StompSession } from './stomp-session.js';
import { prefetchHeaderFor, tcpEndpoint, type Target } from './target.js';
import type { Endpoint } from './transport.js';

/** How long and how patiently a run goes. */
export interface RunOptions {
  durationMs: number;
  /** Makes destination names unique, so no run sees another's leftovers. */
  runTag: string;
  /** Progress lines. */
  log: (line: string) => void;
  /**
   * Scenario 8: the broker's memory per idle connection, measured beforehand on the fresh broker
   * (see measureIdleConnectionCost); reported in the notes.
   */
  idleConnectionCost?: number;
}

/** Runs a {@link FlowScenario}; a broker failure becomes a `failed` result rather than an exception. */
export async function runFlowScenario(target: Target, scenario: FlowScenario, options: RunOptions): Promise<ScenarioResult> {
  let endpoint: Endpoint = tcpEndpoint(target);
  if (scenario.transport === 'ws') {
    if (!target.ws) return unavailable(scenario.id, scenario.title, target.label, 'n/a', 'no STOMP over WebSocket endpoint');
    endpoint = { kind: 'ws', url: target.ws.url, protocols: target.ws.protocols };
  }
  const sessions: StompSession[] = [];
  const idle: IdleConnections[] = [];
  const destination = `/${scenario.destination}/bench.s${scenario.id}.${options.runTag}`;
  let result: ScenarioResult;
  try {
    const open = async (): Promise<StompSession> => {
      const s = await StompSession.open(endpoint, { ...target.credentials, maxFrameSize: scenario.bodySize + 64 * 1024 });
      sessions.push(s);
      return s;
    };
    const consumerSessions = await Promise.all(Array.from({ length: scenario.consumers }, open));
    const prefetchHeader = prefetchHeaderFor(target.kind, consumerSessions[0]!.server);
    const trackers =
      scenario.destination === 'queue'
        ? [new DeliveryTracker(scenario.producers, scenario.consumers)]
        : consumerSessions.map(() => new DeliveryTracker(scenario.producers, 1));
    const consumers = consumerSessions.map(
      (s, i) =>
        new Consumer(s, scenario.destination === 'queue' ? trackers[0]! : trackers[i]!, {
          destination,
          index: scenario.destination === 'queue' ? i : 0,
          ack: scenario.ack,
          prefetchHeader,
          prefetch: scenario.prefetch,
        }),
    );
    await Promise.all(consumers.map((c) => c.subscribe()));

    const figures: Record<string, number> = {};
    const notes: Record<string, string> = {};
    if (scenario.idleConnections) {
      options.log(`  opening ${scenario.idleConnections} idle connections...`);
      idle.push(await IdleConnections.open(target, scenario.idleConnections, 10_000));
      if (options.idleConnectionCost !== undefined) {
        figures['rssPerConnection'] = options.idleConnectionCost;
        notes['RSS/conn'] = `${(options.idleConnectionCost / 1024).toFixed(1)} KiB`;
      }
    }

    const producerSessions = await Promise.all(Array.from({ length: scenario.producers }, open));
    const meter = await ResourceMeter.start(target.pid());
    const fsyncsBefore = scenario.reportFsync ? await brokerFsyncCount(target) : undefined;
    const startedAt = nowMicros();
    const producers = producerSessions.map(
      (s, id) =>
        new Producer(s, {
          destination,
          id,
          bodySize: scenario.bodySize,
          persistent: scenario.persistent,
          window: scenario.window,
          untilMicros: startedAt + options.durationMs * 1000,
          ...(scenario.rate !== undefined ? { rate: scenario.rate } : {}),
        }),
    );
    // A producer the broker refuses ends the run for that producer only: what the consumers
    // received until then is still measured, and the row is marked failed with the reason.
    let producerFailure: Error | undefined;
    await Promise.all(
      producers.map((p) =>
        p.run(30_000).catch((error: Error) => {
          producerFailure ??= error;
        }),
      ),
    );
    const sent = producers.reduce((n, p) => n + p.sent, 0);
    // The queue, or each topic subscriber, is one stream that must get every message sent.
    const perStream = sent;
    const expected = perStream * trackers.length;
    const received = (): number => trackers.reduce((n, t) => n + t.received, 0);
    await awaitDeliveries(consumers, received, expected, { idleMs: 5000, maxMs: Math.max(30_000, options.durationMs * 6) });
    const lastAt = Math.max(...consumers.map((c) => c.lastAt));
    const usage = await meter.finish();
    const fsyncsAfter = scenario.reportFsync ? await brokerFsyncCount(target) : undefined;

    const failed = producerFailure ?? sessions.find((s) => s.error !== undefined)?.error;
    const deliveries = consumers.reduce((n, c) => n + c.received, 0);
    const bytes = consumers.reduce((n, c) => n + c.bytes, 0);
    const seconds = Math.max(1e-6, (lastAt > startedAt ? lastAt - startedAt : nowMicros() - startedAt) / 1e6);
    const latency = new LatencyHistogram();
    for (const c of consumers) latency.merge(c.latency);
    const counts = trackers.map((t) => t.counts(perStream));

    if (scenario.reportFsync) {
      if (fsyncsBefore !== undefined && fsyncsAfter !== undefined && fsyncsAfter > fsyncsBefore) {
        figures['msgsPerFsync'] = sent / (fsyncsAfter - fsyncsBefore);
        notes['msgs/fsync'] = figures['msgsPerFsync'].toFixed(1);
      } else {
        notes['msgs/fsync'] = 'n/a';
      }
    }
    // After an ERROR the broker drops the connection, so sends written after the refused one count as lost too.
    if (producerFailure) notes['lost'] = 'includes sends after the ERROR';
    if (idle.length > 0) {
      const dropped = idle.reduce((n, group) => n + group.dropped, 0);
      if (dropped > 0) notes['idle dropped'] = String(dropped);
    }
    result = {
      scenario: scenario.id,
      title: scenario.title,
      target: target.label,
      status: failed ? 'failed' : 'ok',
      messages: deliveries,
      seconds,
      msgsPerSec: deliveries / seconds,
      mbPerSec: bytes / seconds / 1e6,
      lost: counts.reduce((n, c) => n + c.lost, 0),
      duplicates: counts.reduce((n, c) => n + c.duplicates, 0),
      outOfOrder: counts.reduce((n, c) => n + c.outOfOrder, 0),
      ...usage,
      notes,
      figures,
    };
    if (failed) result.reason = failed.message;
    const p50 = latency.percentile(0.5);
    const p99 = latency.percentile(0.99);
    if (p50 !== undefined && p99 !== undefined) {
      result.latencyP50Ms = p50 / 1000;
      result.latencyP99Ms = p99 / 1000;
      result.latencyMaxMs = latency.max / 1000;
    }
    await Promise.all(sessions.filter((s) => s.error === undefined).map((s) => s.disconnect().catch(() => s.close())));
  } catch (error) {
    result = unavailable(scenario.id, scenario.title, target.label, 'failed', (error as Error).message);
  } finally {
    for (const group of idle) group.close();
    for (const s of sessions) s.close();
  }
  if (result.status === 'failed' && scenario.destination === 'queue') {
    const removed = await purgeQueue(target, destination);
    if (removed > 0) options.log(`  removed ${removed} messages the failed run left on ${destination}`);
  }
  return result;
}
