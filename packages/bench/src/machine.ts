/**
 * The machine a benchmark ran on, read at run time and printed with the results.
 */
import os from 'node:os';

/** Facts about the machine that decide how results compare. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  nodeVersion: string;
  platform: string;
  kernel: string;
  /**
   * 1-minute load average when the run started: on a shared machine, other work competes with
   * the broker and the generator, and this says how much.
   */
  loadAverage: number;
}

/** Reads {@link MachineInfo} from the running system. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryBytes: os.totalmem(),
    nodeVersion: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

/** One line, e.g. `2 cores (AMD EPYC), 23.5 GiB memory, Node v20.20.2, linux x64, kernel 6.1, load average 0.4 at start`. */
export function describeMachine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB memory, Node ${m.nodeVersion}, ${m.platform}, kernel ${m.kernel}, load average ${m.loadAverage.toFixed(1)} at start`;
}
