/** What one scenario run against one broker measured. */
export interface ScenarioResult {
  /** Row id (`1`, `7a`, `9-fill`, ...). */
  scenario: string;
  title: string;
  /** The broker's label. */
  target: string;
  /** `n/a`: the broker cannot run this scenario (e.g. no WebSocket); `failed`: it broke during the run. */
  status: 'ok' | 'n/a' | 'failed';
  /** Why the status is not `ok`. */
  reason?: string;
  /** Messages delivered to consumers (deliveries, for a topic). */
  messages: number;
  /** From the first send to the last reception. */
  seconds: number;
  msgsPerSec?: number;
  /** Body bytes delivered per second, in MB (10^6 bytes). */
  mbPerSec?: number;
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  latencyMaxMs?: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** The broker's peak resident memory during the run (VmHWM). */
  brokerPeakRssBytes?: number;
  /** The broker's CPU time over the run, as a percentage of one core. */
  brokerCpuPercent?: number;
  /** The load generator's own CPU time over the run, as a percentage of one core. */
  generatorCpuPercent?: number;
  /** Scenario-specific figures, already formatted for the notes column, e.g. `msgs/fsync` -> `n/a`. */
  notes: Record<string, string>;
  /** Scenario-specific raw numbers (for ratios and for docs). */
  figures: Record<string, number>;
}

/** A result for a scenario a broker cannot run or that broke. */
export function unavailable(
  scenario: string,
  title: string,
  target: string,
  status: 'n/a' | 'failed',
  reason: string,
): ScenarioResult {
  return { scenario, title, target, status, reason, messages: 0, seconds: 0, lost: 0, duplicates: 0, outOfOrder: 0, notes: {}, figures: {} };
}
