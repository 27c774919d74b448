/**
 * Summarises a V8 CPU profile (`node --cpu-prof` output): the functions where the most time was
 * spent, by self time. Enough to see a broker's top costs without opening a profiler UI.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** One function's share of a profile. */
export interface ProfileEntry {
  /** `name (file:line)`, with the file relative to the repository's packages when it is ours. */
  location: string;
  /** Share of all samples, 0..1. */
  selfShare: number;
}

/** The `limit` functions with the most self time in a profile, idle and GC included as V8 names them. */
export function topSelfTime(profile: CpuProfile, limit: number): ProfileEntry[] {
  const byLocation = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.includes('/packages/') ? url.slice(url.indexOf('/packages/') + 1) : path.basename(url);
    const location = `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
    byLocation.set(location, (byLocation.get(location) ?? 0) + hits);
  }
  return [...byLocation]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([location, hits]) => ({ location, selfShare: total === 0 ? 0 : hits / total }));
}

/** Reads every `.cpuprofile` in a directory and renders the top functions of each. */
export async function summariseProfiles(dir: string, limit = 15): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const out: string[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
    out.push(`Top self time in ${file}:`);
    for (const e of topSelfTime(profile, limit)) out.push(`  ${(e.selfShare * 100).toFixed(1).padStart(5)}%  ${e.location}`);
  }
  return out.join('\n');
}
