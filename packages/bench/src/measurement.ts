/**
 * Resource readings around a run: the broker's peak memory and CPU, and the generator's CPU.
 */
import { processCpuSeconds } from './broker-stats.js';
import { nowMicros } from './clock.js';
import { peakRss, resetPeakRss } from './process-memory.js';

/** Readings taken over one run. */
export interface ResourceUsage {
  brokerPeakRssBytes?: number;
  brokerCpuPercent?: number;
  generatorCpuPercent: number;
}

/** Starts measuring; call {@link ResourceMeter.finish} at the end of the run. */
export class ResourceMeter {
  private readonly startedAt = nowMicros();
  private readonly generatorStart = process.cpuUsage();
  private constructor(
    private readonly pid: number | undefined,
    private readonly brokerCpuStart: number | undefined,
  ) {}

  static async start(pid: number | undefined): Promise<ResourceMeter> {
    if (pid === undefined) return new ResourceMeter(undefined, undefined);
    await resetPeakRss(pid);
    return new ResourceMeter(pid, await processCpuSeconds(pid));
  }

  async finish(): Promise<ResourceUsage> {
    const wallMicros = Math.max(1, nowMicros() - this.startedAt);
    const cpu = process.cpuUsage(this.generatorStart);
    const usage: ResourceUsage = { generatorCpuPercent: ((cpu.user + cpu.system) / wallMicros) * 100 };
    if (this.pid !== undefined) {
      const peak = await peakRss(this.pid);
      if (peak !== undefined) usage.brokerPeakRssBytes = peak;
      const cpuEnd = await processCpuSeconds(this.pid);
      if (cpuEnd !== undefined && this.brokerCpuStart !== undefined) {
        usage.brokerCpuPercent = ((cpuEnd - this.brokerCpuStart) * 1e6 * 100) / wallMicros;
      }
    }
    return usage;
  }
}
