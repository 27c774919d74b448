import { open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StoreError } from '../message-store.js';

/** Directories locked by stores of this process. */
const lockedHere = new Set<string>();

/**
 * Keeps two brokers (or two stores) from appending to the same journal, like KahaDB's `lock` file.
 *
 * The file holds the owner's pid. Node has no advisory file locks, so a lock is stale when its pid is
 * not a running process, or is this very process without a store here holding it (a container
 * restarted with the same pid). After a `kill -9` the next broker therefore takes over without help.
 */
export class DirectoryLock {
  private constructor(private readonly path: string, private readonly key: string) {}

  static async acquire(directory: string): Promise<DirectoryLock> {
    const key = resolve(directory);
    if (lockedHere.has(key)) throw new StoreError('STORE_IO', `the journal in ${directory} is already open in this process`);
    const path = join(directory, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(path, 'wx');
        try {
          await fh.writeFile(`${process.pid}\n`);
        } finally {
          await fh.close();
        }
        lockedHere.add(key);
        return new DirectoryLock(path, key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new StoreError('STORE_IO', `the journal in ${directory} is locked by process ${owner} (remove ${path} if that is not a broker)`);
      }
      await unlink(path).catch(() => undefined);
    }
    throw new StoreError('STORE_IO', `cannot take the lock ${path}`);
  }

  async release(): Promise<void> {
    lockedHere.delete(this.key);
    await unlink(this.path).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
