/**
 * Resident memory of a broker process, from Linux's /proc/<pid>/status.
 */
import { readFile, writeFile } from 'node:fs/promises';

async function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Current resident set size in bytes; undefined when the process is gone or not readable. */
export function currentRss(pid: number): Promise<number | undefined> {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size (VmHWM) in bytes since start or since the last {@link resetPeakRss}. */
export function peakRss(pid: number): Promise<number | undefined> {
  return statusField(pid, 'VmHWM');
}

/**
 * Resets the peak (Linux `clear_refs` value 5), so each scenario reports its own peak rather than the
 * process lifetime's. Returns false where the kernel or permissions do not allow it; the peak then
 * covers the whole life of the process, which the report says.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * The resident set size once it stops moving (three readings 250 ms apart within 1 %), or the
 * last reading after `maxMs`. A garbage-collected broker's RSS drifts while it collects what an
 * earlier run left; a per-connection figure taken from a drifting baseline is noise.
 */
export async function settledRss(pid: number, maxMs = 5000): Promise<number | undefined> {
  const readings: number[] = [];
  const deadline = Date.now() + maxMs;
  for (;;) {
    const rss = await currentRss(pid);
    if (rss === undefined) return undefined;
    readings.push(rss);
    const last = readings.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) <= Math.max(...last) * 0.01) return rss;
    if (Date.now() >= deadline) return rss;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
