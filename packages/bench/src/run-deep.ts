/**
 * Scenario 9: a deep persistent backlog with no consumer, the broker's memory with it waiting,
 * then (for a broker this tool started) a kill and restart on the same data, the time until the
 * first message arrives, and the drain.
 */
import { nowMicros } from './clock.js';
import { awaitDeliveries } from './completion.js';
import { Consumer } from './consumer.js';
import { DeliveryTracker } from './delivery-tracker.js';
import { ResourceMeter } from './measurement.js';
import { currentRss } from './process-memory.js';
import { Producer } from './producer.js';
import { unavailable, type ScenarioResult } from './result.js';
import type { RunOptions } from './run-flow.js';
import type { DeepQueueScenario } from './scenarios.js';
import { StompSession } from './stomp-session.js';
import { prefetchHeaderFor, tcpEndpoint, type Target } from './target.js';

/** Options of {@link runDeepQueueScenario}. */
export interface DeepQueueOptions extends RunOptions {
  /** Messages in the backlog. */
  depth: number;
}

/** Runs scenario 9; returns two rows, `9-fill` and `9-drain`. */
export async function runDeepQueueScenario(
  target: Target,
  scenario: DeepQueueScenario,
  options: DeepQueueOptions,
): Promise<ScenarioResult[]> {
  const destination = `/queue/bench.s9.${options.runTag}`;
  const fillTitle = `deep queue fill: ${options.depth} persistent msgs, ${scenario.window} in flight, no consumer`;
  const drainTitle = `deep queue drain${target.restart ? ' after kill -9 and restart' : ''}, client-individual ack`;
  const sessions: StompSession[] = [];
  const open = async (): Promise<StompSession> => {
    const s = await StompSession.open(tcpEndpoint(target), target.credentials);
    sessions.push(s);
    return s;
  };
  const results: ScenarioResult[] = [];
  try {
    // Fill.
    const producerSession = await open();
    const fillMeter = await ResourceMeter.start(target.pid());
    const fillStart = nowMicros();
    const producer = new Producer(producerSession, {
      destination,
      id: 0,
      bodySize: scenario.bodySize,
      persistent: true,
      window: scenario.window,
      count: options.depth,
    });
    let lastReport = Date.now();
    const progress = setInterval(() => {
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        options.log(`  ${producer.confirmed} / ${options.depth} enqueued`);
      }
    }, 1000);
    try {
      await producer.run(60_000);
    } finally {
      clearInterval(progress);
    }
    const fillSeconds = (nowMicros() - fillStart) / 1e6;
    await producerSession.disconnect();
    const fillUsage = await fillMeter.finish();
    const pid = target.pid();
    const waitingRss = pid === undefined ? undefined : await currentRss(pid);
    const fill: ScenarioResult = {
      scenario: '9-fill',
      title: fillTitle,
      target: target.label,
      status: 'ok',
      messages: producer.confirmed,
      seconds: fillSeconds,
      msgsPerSec: producer.confirmed / fillSeconds,
      mbPerSec: (producer.confirmed * scenario.bodySize) / fillSeconds / 1e6,
      lost: 0,
      duplicates: 0,
      outOfOrder: 0,
      ...fillUsage,
      notes: {},
      figures: {},
    };
    if (waitingRss !== undefined) {
      fill.figures['rssWithBacklog'] = waitingRss;
      fill.notes['RSS with backlog'] = `${(waitingRss / 2 ** 20).toFixed(0)} MiB`;
    }
    results.push(fill);

    // Restart (ours only), then drain.
    let restartStart: number | undefined;
    if (target.restart) {
      options.log('  killing the broker (SIGKILL) and restarting it on the same data...');
      restartStart = nowMicros();
      await target.restart();
    }
    const consumerSession = await open();
    const tracker = new DeliveryTracker(1, 1);
    const consumer = new Consumer(consumerSession, tracker, {
      destination,
      index: 0,
      ack: 'client-individual',
      prefetchHeader: prefetchHeaderFor(target.kind, consumerSession.server),
      prefetch: scenario.prefetch,
    });
    const drainMeter = await ResourceMeter.start(target.pid());
    const subscribedAt = nowMicros();
    await consumer.subscribe();
    await awaitDeliveries([consumer], () => tracker.received, options.depth, { idleMs: 10_000, maxMs: 30 * 60_000 });
    const drainUsage = await drainMeter.finish();
    const seconds = Math.max(1e-6, (consumer.lastAt - subscribedAt) / 1e6);
    const counts = tracker.counts(producer.confirmed);
    const failed = sessions.find((s) => s.error !== undefined)?.error;
    const drain: ScenarioResult = {
      scenario: '9-drain',
      title: drainTitle,
      target: target.label,
      status: failed ? 'failed' : 'ok',
      messages: consumer.received,
      seconds,
      msgsPerSec: consumer.received / seconds,
      mbPerSec: consumer.bytes / seconds / 1e6,
      lost: counts.lost,
      duplicates: counts.duplicates,
      outOfOrder: counts.outOfOrder,
      ...drainUsage,
      notes: {},
      figures: {},
    };
    if (failed) drain.reason = failed.message;
    if (restartStart !== undefined && consumer.received > 0) {
      drain.figures['restartToFirstMessageMs'] = (consumer.firstAt - restartStart) / 1000;
      drain.notes['restart->1st msg'] = `${drain.figures['restartToFirstMessageMs'].toFixed(0)} ms`;
    }
    results.push(drain);
    if (!failed) await consumerSession.disconnect().catch(() => consumerSession.close());
    return results;
  } catch (error) {
    const reason = (error as Error).message;
    if (results.length === 0) results.push(unavailable('9-fill', fillTitle, target.label, 'failed', reason));
    results.push(unavailable('9-drain', drainTitle, target.label, 'failed', reason));
    return results;
  } finally {
    for (const s of sessions) s.close();
  }
}
