import { describe, expect, it } from 'vitest';
import { combineAll, combineRounds, ratioTable, resultsTable, type ScenarioResult } from '../src/index.js';

function result(partial: Partial<ScenarioResult>): ScenarioResult {
  return {
    scenario: '1',
    title: 't',
    target: 'tsmq',
    status: 'ok',
    messages: 100,
    seconds: 1,
    lost: 0,
    duplicates: 0,
    outOfOrder: 0,
    notes: {},
    figures: {},
    ...partial,
  };
}

describe('combineRounds', () => {
  it('averages rates and percentiles, keeps the worst max latency and peak memory, adds up correctness counters', () => {
    const combined = combineRounds([
      result({ msgsPerSec: 1000, latencyP99Ms: 2, latencyMaxMs: 5, brokerPeakRssBytes: 100, lost: 1 }),
      result({ msgsPerSec: 3000, latencyP99Ms: 4, latencyMaxMs: 9, brokerPeakRssBytes: 300, duplicates: 2 }),
    ]);
    expect(combined).toMatchObject({ msgsPerSec: 2000, latencyP99Ms: 3, latencyMaxMs: 9, brokerPeakRssBytes: 300, lost: 1, duplicates: 2 });
    expect(combined.notes['rounds']).toBe('2');
  });

  it('a round that failed makes the combined result failed, with its reason', () => {
    const combined = combineRounds([result({ msgsPerSec: 1000 }), result({ status: 'failed', reason: 'broker ERROR: store full', messages: 0 })]);
    expect(combined.status).toBe('failed');
    expect(combined.reason).toContain('store full');
    expect(combined.msgsPerSec).toBe(1000);
  });
});

describe('ratioTable', () => {
  it('divides ours by theirs for throughput, p99 and peak memory, per scenario and peer', () => {
    const combined = combineAll([
      result({ target: 'tsmq', msgsPerSec: 3000, latencyP99Ms: 1, brokerPeakRssBytes: 50 }),
      result({ target: 'ActiveMQ', msgsPerSec: 1500, latencyP99Ms: 4, brokerPeakRssBytes: 500 }),
    ]);
    const table = ratioTable(combined, 'tsmq', ['ActiveMQ']);
    expect(table).toMatch(/\| 1 +\| ActiveMQ \| 2\.00x +\| 0\.25x +\| 0\.10x/);
  });

  it('prints n/a when one side cannot run the scenario', () => {
    const combined = combineAll([
      result({ scenario: '10', target: 'tsmq', msgsPerSec: 10 }),
      result({ scenario: '10', target: 'ActiveMQ', status: 'n/a', reason: 'no STOMP over WebSocket endpoint', messages: 0 }),
    ]);
    expect(ratioTable(combined, 'tsmq', ['ActiveMQ'])).toMatch(/\| 10 +\| ActiveMQ \| n\/a/);
    expect(resultsTable(combined)).toContain('no STOMP over WebSocket endpoint');
  });
});
