import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { withOthersSuspended } from '../src/suspend.js';
import type { Target } from '../src/target.js';

/** The process state letter of /proc/<pid>/stat: `T` is stopped by a signal. */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Polls the state of `pid` until `wanted` says yes, for at most 2 s; returns the last state seen. */
async function settle(pid: number, wanted: (state: string) => boolean): Promise<string> {
  const deadline = Date.now() + 2_000;
  let state = stateOf(pid);
  while (!wanted(state) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    state = stateOf(pid);
  }
  return state;
}
const stopped = (s: string) => s === 'T';
const running = (s: string) => s !== 'T';

function target(label: string, child: ChildProcess | undefined, startedHere: boolean): Target {
  return { label, kind: 'stomp', host: '127.0.0.1', port: 1, credentials: {}, pid: () => child?.pid, startedHere };
}

describe('comparison runs keep idle brokers off the cores', () => {
  const children: ChildProcess[] = [];
  const idleProcess = () => {
    const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('stops the other brokers this tool started while one runs, and continues them after', async () => {
    const a = idleProcess();
    const b = idleProcess();
    const foreign = idleProcess();
    const targets = [target('ours', a, true), target('peer', b, true), target('already running', foreign, false)];

    const during = await withOthersSuspended(targets[0]!, targets, async () => ({
      peer: await settle(b.pid!, stopped),
      active: stateOf(a.pid!),
      foreign: stateOf(foreign.pid!),
    }));

    expect(during.active).not.toBe('T');
    expect(during.peer).toBe('T');
    // A broker someone else runs is never touched.
    expect(during.foreign).not.toBe('T');
    expect(await settle(b.pid!, running)).not.toBe('T');
  });

  it('continues the others when the run fails', async () => {
    const a = idleProcess();
    const b = idleProcess();
    const targets = [target('ours', a, true), target('peer', b, true)];
    let peerDuring = '';
    const failing = withOthersSuspended(targets[0]!, targets, async () => {
      peerDuring = await settle(b.pid!, stopped);
      throw new Error('scenario failed');
    });
    await expect(failing).rejects.toThrow('scenario failed');
    expect(peerDuring).toBe('T');
    expect(await settle(b.pid!, running)).not.toBe('T');
  });
});
