/**
 * `npm run bench` end to end: the built CLI starts our built broker as a child process, runs the
 * --quick path of scenario 1 and prints the table. Needs `tsc -b` first (as `npm test` does).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const benchCli = path.join(root, 'packages/bench/dist/cli.js');
const brokerCli = path.join(root, 'packages/broker/dist/cli.js');
const built = existsSync(benchCli) && existsSync(brokerCli);

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchCli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench CLI still running after ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!built)('bench CLI (built)', () => {
  it('--quick --scenarios 1 against our broker prints machine, command and a clean scenario-1 row', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-bench-cli-'));
    try {
      const json = path.join(dir, 'report.json');
      const { code, stdout, stderr } = await runCli(['--quick', '--scenarios', '1', '--json', json], 60_000);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/^Machine: \d+ cores/m);
      expect(stdout).toContain('Command: npm run bench -- --quick --scenarios 1');
      expect(stdout).toMatch(/^\| 1 +\| tsmq /m);
      const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
      expect(report.combined).toHaveLength(1);
      expect(report.combined[0]).toMatchObject({ scenario: '1', status: 'ok', lost: 0, duplicates: 0, outOfOrder: 0 });
      expect(report.combined[0]!.messages).toBeGreaterThan(0);
      // The broker ran as a child process on this machine, so its memory was measured.
      expect(report.combined[0]!.brokerPeakRssBytes).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 70_000);

  it('a usage error exits with status 2 and names the BENCH_USAGE code', async () => {
    const { code, stderr } = await runCli(['--scenarios', '42'], 20_000);
    expect(code).toBe(2);
    expect(stderr).toContain('BENCH_USAGE');
  }, 30_000);
});
