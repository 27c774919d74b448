/**
 * The printed form of a benchmark report.
 */
import type { BenchReport } from './bench.js';
import { describeMachine } from './machine.js';
import { legend, ratioTable, resultsTable } from './report.js';

/** Renders a report as Markdown: what docs/performance.md quotes. */
export function renderReport(report: BenchReport, command: string): string {
  const out: string[] = [];
  out.push(`Machine: ${describeMachine(report.machine)}`);
  out.push(`Command: ${command}`);
  out.push('');
  out.push(resultsTable(report.combined));
  out.push('');
  out.push(legend(report.combined));
  if (report.ours && report.others.length > 0) {
    out.push('');
    out.push(`Ratios ${report.ours}/other, from the same run:`);
    out.push('');
    out.push(ratioTable(report.combined, report.ours, report.others));
  }
  out.push('');
  out.push('lost/dup/ooo: messages never received / received twice / received after a later one of the same producer.');
  out.push('broker peak RSS: VmHWM of the broker process over the run; CPU: percent of one core over the run.');
  if (report.profileDir) out.push(`Our broker's CPU profile: ${report.profileDir}`);
  return out.join('\n');
}
