import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds every package once before any test file runs (`npm run build`: the TypeScript project,
 * the client's CommonJS build and its browser bundle): tests that start the broker CLI or the
 * benchmark as a child process, `require` the client, or load the bundle in Chromium use the build
 * output, and building once here keeps parallel test files from racing each other's builds.
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  await new Promise<void>((resolve, reject) =>
    execFile('npm', ['run', 'build'], { cwd: root, timeout: 300_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`build failed:\n${stdout}${stderr}`)) : resolve(),
    ),
  );
}
