/**
 * The benchmark's scenarios (project issue #7). Each is bounded in time and checks correctness:
 * every message received exactly once, in order per producer.
 */
import type { AckMode } from './consumer.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A producers-to-consumers run for a fixed duration. */
export interface FlowScenario {
  kind: 'flow';
  /** Row id in the report: `1`..`10`, `7a`/`7b` for the two sizes of scenario 7. */
  id: string;
  /** The scenario number `--scenarios` selects it by. */
  number: number;
  title: string;
  destination: 'queue' | 'topic';
  producers: number;
  /** Consumers of the queue, or subscribers of the topic. */
  consumers: number;
  bodySize: number;
  persistent: boolean;
  /** Receipted sends in flight per producer; 0 sends without receipts. */
  window: number;
  ack: AckMode;
  prefetch: number;
  /** Messages per second per producer; absent: as fast as the broker takes them. */
  rate?: number;
  transport: 'tcp' | 'ws';
  /** Idle heart-beating connections held open during the run (scenario 8). */
  idleConnections?: number;
  /** Report messages per fsync (when the broker exposes its fsync count). */
  reportFsync?: boolean;
}

/** Scenario 9: a deep persistent backlog, then (ours) a restart, then the drain. */
export interface DeepQueueScenario {
  kind: 'deep';
  id: '9';
  number: 9;
  title: string;
  bodySize: number;
  window: number;
  prefetch: number;
}

export type Scenario = FlowScenario | DeepQueueScenario;

const base = {
  kind: 'flow',
  destination: 'queue',
  producers: 1,
  consumers: 1,
  bodySize: KiB,
  persistent: false,
  window: 0,
  ack: 'auto',
  prefetch: 1000,
  transport: 'tcp',
} as const satisfies Partial<FlowScenario>;

/**
 * All scenarios in report order.
 * @param options.idleConnections - scenario 8's idle connection count (default 2000)
 */
export function allScenarios(options: { idleConnections?: number } = {}): Scenario[] {
  return [
    { ...base, id: '1', number: 1, title: 'queue 1->1, 1 KiB, non-persistent, auto ack' },
    {
      ...base,
      id: '2',
      number: 2,
      title: 'queue 1->1, 1 KiB, persistent, 16 receipts in flight, client-individual ack',
      persistent: true,
      window: 16,
      ack: 'client-individual',
    },
    { ...base, id: '3', number: 3, title: 'queue 4->4, 1 KiB, non-persistent', producers: 4, consumers: 4 },
    {
      ...base,
      id: '4',
      number: 4,
      title: 'queue 8->8, 1 KiB, persistent, receipt per SEND, 16 in flight per producer',
      producers: 8,
      consumers: 8,
      persistent: true,
      window: 16,
      ack: 'client-individual',
      reportFsync: true,
    },
    { ...base, id: '5', number: 5, title: 'topic 1->8 subscribers, 256 B (deliveries/s)', destination: 'topic', consumers: 8, bodySize: 256 },
    { ...base, id: '6', number: 6, title: 'latency: queue 1->1 at 2,000 msg/s', rate: 2000 },
    { ...base, id: '7a', number: 7, title: 'large: queue 1->1, 64 KiB', bodySize: 64 * KiB, prefetch: 100 },
    { ...base, id: '7b', number: 7, title: 'large: queue 1->1, 1 MiB', bodySize: MiB, prefetch: 10 },
    {
      ...base,
      id: '8',
      number: 8,
      title: `scenario 1 beside ${options.idleConnections ?? 2000} idle connections (heart-beat 10000,10000)`,
      idleConnections: options.idleConnections ?? 2000,
    },
    { kind: 'deep', id: '9', number: 9, title: 'deep queue: persistent backlog, restart, drain', bodySize: KiB, window: 16, prefetch: 1000 },
    { ...base, id: '10', number: 10, title: 'scenario 1 over WebSocket', transport: 'ws' },
  ];
}
