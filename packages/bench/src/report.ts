/**
 * Turns results into tables (Markdown, which also reads well in a terminal), combines the rounds
 * of a comparison, and computes ratios ours/theirs.
 */
import type { ScenarioResult } from './result.js';

function fmtRate(v: number | undefined): string {
  return v === undefined ? '-' : Math.round(v).toLocaleString('en-US');
}

function fmtFixed(v: number | undefined, digits: number): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

function fmtMs(v: number | undefined): string {
  if (v === undefined) return '-';
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}

function fmtMiB(v: number | undefined): string {
  return v === undefined ? '-' : `${(v / 2 ** 20).toFixed(0)} MiB`;
}

function fmtPercent(v: number | undefined): string {
  return v === undefined ? '-' : `${v.toFixed(0)}%`;
}

function fmtRatio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || theirs === 0) return '-';
  return `${(ours / theirs).toFixed(2)}x`;
}

/** Renders rows as a Markdown table with padded columns. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The results table: one row per scenario and broker. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const header = ['#', 'broker', 'msgs/s', 'MB/s', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'dup', 'ooo', 'broker peak RSS', 'broker CPU', 'gen CPU', 'notes'];
  const rows = results.map((r) => {
    if (r.status !== 'ok' && r.messages === 0) {
      return [r.scenario, r.target, r.status, '', '', '', '', '', '', '', '', '', '', r.reason ?? ''];
    }
    const notes = Object.entries(r.notes).map(([k, v]) => `${k} ${v}`);
    if (r.status === 'failed') notes.unshift(`FAILED: ${r.reason ?? ''}`);
    return [
      r.scenario,
      r.target,
      fmtRate(r.msgsPerSec),
      fmtFixed(r.mbPerSec, 1),
      fmtMs(r.latencyP50Ms),
      fmtMs(r.latencyP99Ms),
      fmtMs(r.latencyMaxMs),
      String(r.lost),
      String(r.duplicates),
      String(r.outOfOrder),
      fmtMiB(r.brokerPeakRssBytes),
      fmtPercent(r.brokerCpuPercent),
      fmtPercent(r.generatorCpuPercent),
      notes.join('; '),
    ];
  });
  return markdownTable(header, rows);
}

/** The scenario titles, for the legend under a table. */
export function legend(results: readonly ScenarioResult[]): string {
  const seen = new Map<string, string>();
  for (const r of results) if (!seen.has(r.scenario)) seen.set(r.scenario, r.title);
  return [...seen].map(([id, title]) => `- ${id}: ${title}`).join('\n');
}

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

function defined(values: Array<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/**
 * Combines the rounds of one scenario on one broker: rates, latency percentiles and CPU are
 * averaged, the maximum latency and peak memory are the worst seen, correctness counters add up.
 */
export function combineRounds(rounds: readonly ScenarioResult[]): ScenarioResult {
  const first = rounds[0]!;
  const ok = rounds.filter((r) => r.status === 'ok');
  const pool = ok.length > 0 ? ok : rounds;
  const avg = (pick: (r: ScenarioResult) => number | undefined): number | undefined => mean(defined(pool.map(pick)));
  const worst = (pick: (r: ScenarioResult) => number | undefined): number | undefined => {
    const v = defined(pool.map(pick));
    return v.length === 0 ? undefined : Math.max(...v);
  };
  const combined: ScenarioResult = {
    scenario: first.scenario,
    title: first.title,
    target: first.target,
    status: rounds.every((r) => r.status === 'ok') ? 'ok' : rounds.some((r) => r.status === 'failed') ? 'failed' : first.status,
    messages: pool.reduce((n, r) => n + r.messages, 0),
    seconds: pool.reduce((n, r) => n + r.seconds, 0),
    lost: rounds.reduce((n, r) => n + r.lost, 0),
    duplicates: rounds.reduce((n, r) => n + r.duplicates, 0),
    outOfOrder: rounds.reduce((n, r) => n + r.outOfOrder, 0),
    notes: {},
    figures: {},
  };
  const reason = rounds.find((r) => r.reason)?.reason;
  if (reason !== undefined) combined.reason = reason;
  const set = <K extends keyof ScenarioResult>(key: K, value: ScenarioResult[K] | undefined): void => {
    if (value !== undefined) combined[key] = value;
  };
  set('msgsPerSec', avg((r) => r.msgsPerSec));
  set('mbPerSec', avg((r) => r.mbPerSec));
  set('latencyP50Ms', avg((r) => r.latencyP50Ms));
  set('latencyP99Ms', avg((r) => r.latencyP99Ms));
  set('latencyMaxMs', worst((r) => r.latencyMaxMs));
  set('brokerPeakRssBytes', worst((r) => r.brokerPeakRssBytes));
  set('brokerCpuPercent', avg((r) => r.brokerCpuPercent));
  set('generatorCpuPercent', avg((r) => r.generatorCpuPercent));
  const figureNames = new Set(pool.flatMap((r) => Object.keys(r.figures)));
  for (const name of figureNames) {
    const v = avg((r) => r.figures[name]);
    if (v !== undefined) combined.figures[name] = v;
  }
  // Notes are text; the last round's stand for all, and averaged figures replace theirs below.
  Object.assign(combined.notes, ...pool.map((r) => r.notes));
  if (combined.figures['rssPerConnection'] !== undefined) combined.notes['RSS/conn'] = `${(combined.figures['rssPerConnection'] / 1024).toFixed(1)} KiB`;
  if (combined.figures['restartToFirstMessageMs'] !== undefined) combined.notes['restart->1st msg'] = `${combined.figures['restartToFirstMessageMs'].toFixed(0)} ms`;
  if (combined.figures['rssWithBacklog'] !== undefined) combined.notes['RSS with backlog'] = `${(combined.figures['rssWithBacklog'] / 2 ** 20).toFixed(0)} MiB`;
  if (combined.figures['msgsPerFsync'] !== undefined) combined.notes['msgs/fsync'] = combined.figures['msgsPerFsync'].toFixed(1);
  if (rounds.length > 1) combined.notes['rounds'] = String(rounds.length);
  return combined;
}

/** Groups results by scenario and broker (in first-seen order) and combines each group's rounds. */
export function combineAll(results: readonly ScenarioResult[]): ScenarioResult[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    const key = `${r.scenario}\u0000${r.target}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map(combineRounds);
}

/**
 * Scenario 8 keeps scenario 1's workload beside idle connections: notes what share of scenario 1's
 * throughput each broker kept.
 */
export function addRelativeThroughput(results: ScenarioResult[]): void {
  for (const r of results) {
    if (r.scenario !== '8' || r.msgsPerSec === undefined) continue;
    const baseline = results.find((b) => b.scenario === '1' && b.target === r.target && b.status === 'ok');
    if (baseline?.msgsPerSec) {
      r.figures['keptOfScenario1'] = r.msgsPerSec / baseline.msgsPerSec;
      r.notes['kept of #1'] = fmtPercent(r.figures['keptOfScenario1'] * 100);
    }
  }
}

/** Ratios ours/theirs per scenario: throughput (above 1 is better for us), p99 latency and peak memory (below 1 is better). */
export function ratioTable(results: readonly ScenarioResult[], ours: string, peers: readonly string[]): string {
  const header = ['#', 'vs', 'msgs/s ours/theirs', 'p99 ours/theirs', 'peak RSS ours/theirs', 'note'];
  const rows: string[][] = [];
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  for (const id of scenarios) {
    const mine = results.find((r) => r.scenario === id && r.target === ours);
    for (const peer of peers) {
      const theirs = results.find((r) => r.scenario === id && r.target === peer);
      if (!mine || !theirs) continue;
      const note = mine.status !== 'ok' || theirs.status !== 'ok' ? `ours ${mine.status}, theirs ${theirs.status}` : '';
      if (mine.status === 'n/a' || theirs.status === 'n/a') {
        rows.push([id, peer, 'n/a', 'n/a', 'n/a', note]);
        continue;
      }
      rows.push([
        id,
        peer,
        fmtRatio(mine.msgsPerSec, theirs.msgsPerSec),
        fmtRatio(mine.latencyP99Ms, theirs.latencyP99Ms),
        fmtRatio(mine.brokerPeakRssBytes, theirs.brokerPeakRssBytes),
        note,
      ]);
    }
  }
  return markdownTable(header, rows);
}
