/**
 * Keeps the brokers of a comparison off each other's cores. On a small machine an idle broker
 * is not idle: RabbitMQ's schedulers spin waiting for work and a JVM runs its own threads, and
 * on two cores that steals time from whichever broker is being measured (it showed as a p99 of
 * scenario 6 five to ten times worse with the peers merely running). While one broker runs a
 * scenario, the others that this tool started are stopped with SIGSTOP and continued after.
 * @packageDocumentation
 */
import type { Target } from './target.js';

function signal(target: Target, sig: 'SIGSTOP' | 'SIGCONT'): void {
  const pid = target.pid();
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already (a restart in progress, or it crashed): nothing to suspend or continue.
  }
}

/**
 * Runs `work` against `active` with every other target this tool started suspended, and
 * continues them afterwards whatever `work` does.
 */
export async function withOthersSuspended<T>(active: Target, all: readonly Target[], work: () => Promise<T>): Promise<T> {
  const others = all.filter((t) => t !== active && t.startedHere === true);
  for (const t of others) signal(t, 'SIGSTOP');
  try {
    return await work();
  } finally {
    for (const t of others) signal(t, 'SIGCONT');
  }
}

/** Continues every target this tool started (for cleanup after an interrupted run). */
export function continueAll(all: readonly Target[]): void {
  for (const t of all) if (t.startedHere === true) signal(t, 'SIGCONT');
}
