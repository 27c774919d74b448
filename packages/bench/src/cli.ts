#!/usr/bin/env node
/**
 * `npm run bench`: runs the benchmark and prints the machine, the command and the tables.
 */
import { writeFile } from 'node:fs/promises';
import { runBench } from './bench.js';
import { BenchError } from './errors.js';
import { parseOptions, USAGE } from './options.js';
import { summariseProfiles } from './profile-summary.js';
import { renderReport } from './render.js';

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const report = await runBench(options, (line) => process.stderr.write(`${line}\n`));
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  process.stdout.write(`${renderReport(report, command)}\n`);
  if (options.json) await writeFile(options.json, JSON.stringify(report, null, 2));
  if (report.profileDir) process.stdout.write(`\n${await summariseProfiles(report.profileDir)}\n`);
  const broken = report.combined.some((r) => r.status === 'failed' || r.lost > 0 || r.duplicates > 0 || r.outOfOrder > 0);
  return broken ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchError) {
      process.stderr.write(`bench: ${error.message} [${error.code}]\n`);
      process.exit(error.code === 'BENCH_USAGE' ? 2 : 1);
    }
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
