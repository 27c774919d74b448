import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root: this file sits in packages/bench/src (tests) or packages/bench/dist (built). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The shared peers directory, `../shared/peers` relative to the repository root. */
export const PEERS_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'peers');

/** Our broker's command-line entry point, as built by `tsc -b`. */
export const BROKER_CLI = path.join(REPO_ROOT, 'packages', 'broker', 'dist', 'cli.js');
