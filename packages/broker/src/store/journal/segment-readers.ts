import { closeFile, openFile, readExactly } from './file-io.js';

/** Raised by {@link SegmentReaders.read} for a segment that has been deleted. */
export class SegmentRetiredError extends Error {
  override name = 'SegmentRetiredError';
}

interface Reader {
  fd: Promise<number>;
  active: number;
  retired: boolean;
  idle?: () => void;
}

/**
 * One read-only descriptor per segment, opened on first use. A segment is closed only once the reads
 * in flight on it are done: closing earlier could let the descriptor number be reused by another file
 * and a pending read return that file's bytes.
 */
export class SegmentReaders {
  private readonly readers = new Map<number, Reader>();

  constructor(private readonly pathOf: (segment: number) => string) {}

  async read(segment: number, position: number, length: number): Promise<Buffer> {
    let r = this.readers.get(segment);
    if (!r) {
      const fd = openFile(this.pathOf(segment), 'r');
      // A failed open is not cached: the next read tries again.
      fd.catch(() => {
        if (this.readers.get(segment)?.fd === fd) this.readers.delete(segment);
      });
      this.readers.set(segment, (r = { fd, active: 0, retired: false }));
    }
    if (r.retired) throw new SegmentRetiredError(`segment ${segment} was deleted`);
    r.active++;
    try {
      return await readExactly(await r.fd, position, length);
    } finally {
      r.active--;
      if (r.active === 0) r.idle?.();
    }
  }

  /** Closes the segment's descriptor once no read uses it; later reads fail with {@link SegmentRetiredError}. */
  async retire(segment: number): Promise<void> {
    const r = this.readers.get(segment);
    if (!r) return;
    r.retired = true;
    if (r.active > 0) await new Promise<void>((resolve) => (r.idle = resolve));
    this.readers.delete(segment);
    try {
      await closeFile(await r.fd);
    } catch {
      // never opened, or already unusable: nothing to release
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.readers.keys()].map((s) => this.retire(s).catch(() => undefined)));
  }
}
