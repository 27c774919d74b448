import * as fs from 'node:fs';

/**
 * The few file operations the journal needs, as promises over the callback API (no FileHandle objects
 * and no per-message promise: one call per group write, fsync or read run).
 */

export function openFile(path: string, flags: string | number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))));
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

export function fileSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st.isFile() ? st.size : 0))));
}

export function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function truncateFile(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve())));
}

export function unlinkFile(path: string): Promise<void> {
  return new Promise((resolve, reject) => fs.unlink(path, (err) => (err ? reject(err) : resolve())));
}

/** Writes all of `chunks` at `position` (a single `writev` unless the kernel writes short). */
export async function writeAll(fd: number, chunks: Uint8Array[], position: number): Promise<void> {
  let total = 0;
  for (const c of chunks) total += c.length;
  let done = 0;
  let rest = chunks;
  while (done < total) {
    const n = await new Promise<number>((resolve, reject) =>
      fs.writev(fd, rest as NodeJS.ArrayBufferView[], position + done, (err, written) => (err ? reject(err) : resolve(written))),
    );
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += n;
    if (done < total) rest = dropPrefix(rest, n);
  }
}

function dropPrefix(chunks: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (n >= c.length) {
      n -= c.length;
      continue;
    }
    out.push(n > 0 ? c.subarray(n) : c);
    n = 0;
  }
  return out;
}

/** Reads exactly `length` bytes at `position` into a new buffer. */
export async function readExactly(fd: number, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await new Promise<number>((resolve, reject) =>
      fs.read(fd, buf, done, length - done, position + done, (err, read) => (err ? reject(err) : resolve(read))),
    );
    if (n === 0) throw Object.assign(new Error(`unexpected end of file at ${position + done}`), { code: 'EIO' });
    done += n;
  }
  return buf;
}

/** Makes creations and deletions of files in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = await openFile(dir, 'r');
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
  } finally {
    await closeFile(fd);
  }
}

export function renameFile(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => fs.rename(from, to, (err) => (err ? reject(err) : resolve())));
}

/**
 * Flags for the descriptor the journal appends through. With `sync`, `O_DSYNC` makes each write
 * durable before it returns, which saves the separate `fdatasync` round trip through the thread pool.
 * `create` starts an empty file; without it the file must exist (a preallocated or replayed segment).
 */
export function appendFlags(sync: boolean, create: boolean): number {
  const c = fs.constants;
  return c.O_WRONLY | (sync ? c.O_DSYNC : 0) | (create ? c.O_CREAT | c.O_TRUNC : 0);
}
