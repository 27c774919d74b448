import { execFile } from 'node:child_process';

/** Runs `command` to completion, bounded by `options.timeout` ms; resolves with its stdout, rejects with all its output. */
export function runCommand(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeout: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, maxBuffer: 4 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout),
    );
  });
}
