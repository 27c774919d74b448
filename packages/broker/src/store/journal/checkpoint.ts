import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { durableContainer, type DurableSubscriptionRecord } from '../message-store.js';
import { ContainerIndex, type LiveEntries } from './container-index.js';
import { crc32, crc32Update } from './crc32.js';
import { closeFile, datasync, openFile, renameFile, syncDirectory, unlinkFile, writeAll } from './file-io.js';
import { JournalIndex } from './journal-index.js';
import { FieldReader, MalformedRecordError } from './record-decoder.js';
import { ChunkEncoder } from './record-encoder.js';
import { segmentFileName } from './record-format.js';
import type { ReplayStart } from './replay.js';

/**
 * The index checkpoint: the journal's in-memory index written to one file, with the journal position
 * it covers, so that `open()` replays only the records appended after that position instead of reading
 * and checksumming every segment (KahaDB's `db.data` plays this role).
 *
 * Layout (little-endian, as the typed arrays are written from memory as they are):
 *
 * ```
 * magic "TSMQIDX1"  version u32  lastSeq f64  suspectUpTo f64  usageBytes f64
 * position: segment u32, offset u32, lastRecordType u8 (0: none)
 * segmentCount u32, per segment: id u32, liveCount u32, refCount u32, refCount x u32
 * subscriptionCount u32, per subscription: JSON string, segment u32
 * containerCount u32, per container: name string, n u32, seqs n x f64, segs, offs, lens, recs, rlens n x u32,
 *   prios n x u8, updateCount u32, per update: seq f64, redeliveryCount u32, deliverAt f64
 * crc32 u32 of everything before it
 * ```
 *
 * Strings are `[byteLength u32][utf-8]`. The file is replaced atomically (temporary file, `fdatasync`,
 * rename), so it is either the old checkpoint or the new one; a checkpoint that fails its CRC, or that
 * places messages in a segment that no longer exists, is not used and the whole journal is replayed.
 */
export const CHECKPOINT_FILE = 'index.checkpoint';
const TEMPORARY_FILE = 'index.checkpoint.tmp';
const MAGIC = Buffer.from('TSMQIDX1', 'latin1');
const VERSION = 1;

/** A checkpoint in memory, ready to be written: the index's state at `segment`/`offset`. */
export interface CheckpointImage {
  chunks: Uint8Array[];
  bytes: number;
}

/** Serializes `index` as covering the journal up to `offset` of `segment`. Synchronous: the index may change right after. */
export function encodeCheckpoint(index: JournalIndex, segment: number, offset: number, lastType: number | undefined): CheckpointImage {
  const fields = new ChunkEncoder(65536);
  const chunks = fields.chunks;
  fields.raw(MAGIC);
  fields.u32(VERSION);
  fields.f64(index.lastSeq);
  fields.f64(index.suspectUpTo);
  fields.f64(index.usageBytes);
  fields.u32(segment);
  fields.u32(offset);
  fields.u8(lastType ?? 0);
  fields.u32(index.liveCount.size);
  for (const [id, live] of index.liveCount) {
    const refs = index.refersTo.get(id);
    fields.u32(id);
    fields.u32(live);
    fields.u32(refs?.size ?? 0);
    if (refs) for (const r of refs) fields.u32(r);
  }
  fields.u32(index.subscriptions.size);
  for (const { record, seg } of index.subscriptions.values()) {
    fields.str(JSON.stringify(record));
    fields.u32(seg);
  }
  fields.u32(index.containers.size);
  for (const [name, c] of index.containers) {
    const live = c.exportLive();
    fields.str(name);
    fields.u32(live.seqs.length);
    for (const a of [live.seqs, live.segs, live.offs, live.lens, live.recs, live.rlens, live.prios]) fields.array(a);
    fields.u32(c.updates.size);
    for (const [seq, [redeliveryCount, deliverAt]] of c.updates) {
      fields.f64(seq);
      fields.u32(redeliveryCount);
      fields.f64(deliverAt);
    }
  }
  let crc = 0;
  for (const chunk of fields.finish()) crc = crc32Update(crc, chunk);
  fields.u32(crc);
  fields.finish();
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.length;
  return { chunks, bytes };
}

/** Writes `image` as the directory's checkpoint, replacing the previous one atomically. */
export async function writeCheckpoint(directory: string, image: CheckpointImage): Promise<void> {
  const tmp = join(directory, TEMPORARY_FILE);
  const fd = await openFile(tmp, 'w');
  try {
    await writeAll(fd, image.chunks, 0);
    await datasync(fd);
  } finally {
    await closeFile(fd);
  }
  await renameFile(tmp, join(directory, CHECKPOINT_FILE));
  await syncDirectory(directory);
}

/** Deletes an unfinished checkpoint (a crash while writing it) and, with `completeToo`, the checkpoint. */
export async function removeCheckpoint(directory: string, completeToo: boolean): Promise<void> {
  const names = completeToo ? [TEMPORARY_FILE, CHECKPOINT_FILE] : [TEMPORARY_FILE];
  for (const name of names) await unlinkFile(join(directory, name)).catch(() => undefined);
}

/** The outcome of {@link loadCheckpoint}: where to replay from, or why the whole journal must be replayed. */
export type LoadedCheckpoint =
  | { start: ReplayStart }
  /** None was written yet, or it no longer matches the segments (a normal consequence of deleting them after it). */
  | { start?: undefined; stale: string }
  /** Damaged: worth a warning. */
  | { start?: undefined; unusable: string };

/**
 * Reads the directory's checkpoint and checks it against the segments that exist (`segments`, oldest
 * first). It is unusable when it fails its CRC or does not parse; it is stale when a segment it places a
 * waiting message or a subscription in is gone (removes recorded after it may then be gone too), when an
 * older segment exists that it does not know, or when the segment of its position is gone or shorter.
 */
export async function loadCheckpoint(directory: string, segments: readonly number[]): Promise<LoadedCheckpoint> {
  let buf: Buffer;
  try {
    buf = await readFile(join(directory, CHECKPOINT_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { stale: 'there is none' };
    return { unusable: `cannot read it (${(err as Error).message})` };
  }
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return { unusable: 'not a checkpoint file' };
  if (crc32(buf, 0, buf.length - 4) !== buf.readUInt32LE(buf.length - 4)) return { unusable: 'checksum mismatch' };
  let start: ReplayStart;
  try {
    start = decode(buf.subarray(0, buf.length - 4));
  } catch (err) {
    return { unusable: `does not parse (${(err as Error).message})` };
  }
  const size = segments.includes(start.segment)
    ? await stat(join(directory, segmentFileName(start.segment))).then((s) => s.size, () => 0)
    : undefined;
  return checkAgainst(start, segments, size);
}

function decode(buf: Buffer): ReplayStart {
  const r = new CheckpointReader(buf, MAGIC.length, buf.length);
  const version = r.u32();
  if (version !== VERSION) throw new Error(`unknown version ${version}`);
  const index = new JournalIndex();
  index.lastSeq = r.f64();
  index.suspectUpTo = r.f64();
  index.usageBytes = r.f64();
  const segment = r.u32();
  const offset = r.u32();
  const lastType = r.u8();
  for (let n = r.u32(); n > 0; n--) {
    const id = r.u32();
    index.liveCount.set(id, r.u32());
    const refCount = r.u32();
    if (refCount > 0) {
      const refs = new Set<number>();
      for (let k = 0; k < refCount; k++) refs.add(r.u32());
      index.refersTo.set(id, refs);
    }
  }
  for (let n = r.u32(); n > 0; n--) {
    const record = JSON.parse(r.str()) as DurableSubscriptionRecord;
    const seg = r.u32();
    index.subscriptions.set(durableContainer(record.clientId, record.name), { record, seg });
  }
  for (let n = r.u32(); n > 0; n--) {
    const name = r.str();
    const count = r.u32();
    const live: LiveEntries = {
      seqs: r.array(count, Float64Array),
      segs: r.array(count, Uint32Array),
      offs: r.array(count, Uint32Array),
      lens: r.array(count, Uint32Array),
      recs: r.array(count, Uint32Array),
      rlens: r.array(count, Uint32Array),
      prios: r.array(count, Uint8Array),
    };
    const c = ContainerIndex.fromLive(live);
    for (let u = r.u32(); u > 0; u--) {
      const seq = r.f64();
      c.updates.set(seq, [r.u32(), r.f64()]);
    }
    if (count > 0) index.containers.set(name, c);
  }
  if (r.pos !== buf.length) throw new Error('bytes after the last container');
  return { index, segment, offset, lastType: lastType === 0 ? undefined : lastType };
}

function checkAgainst(start: ReplayStart, segments: readonly number[], positionSegmentSize: number | undefined): LoadedCheckpoint {
  if (segments.length > 0 && segments[segments.length - 1]! < start.segment) return { stale: `its segment ${start.segment} is gone` };
  // Appending would continue past the end of the file, and the zeros between would hide what follows.
  if (positionSegmentSize !== undefined && positionSegmentSize < start.offset) return { stale: `segment ${start.segment} is shorter than its position` };
  const existing = new Set(segments);
  const index = start.index;
  for (const [id, live] of index.liveCount) {
    if (existing.has(id)) continue;
    if (live > 0) return { stale: `it refers to segment ${id}, which was deleted after it was written` };
    // Deleted after the checkpoint, rightly: it held no waiting message then.
    index.liveCount.delete(id);
    index.refersTo.delete(id);
  }
  for (const id of segments) {
    if (id < start.segment && !index.liveCount.has(id)) return { stale: `it does not know segment ${id}` };
  }
  return { start };
}

/** The record fields reader, plus the typed arrays only a checkpoint holds. */
class CheckpointReader extends FieldReader {
  /** A copy (the file's buffer is not aligned for the array's element size). */
  array<T extends Float64Array | Uint32Array | Uint8Array>(count: number, Kind: { new (n: number): T; BYTES_PER_ELEMENT: number }): T {
    const bytes = count * Kind.BYTES_PER_ELEMENT;
    if (this.pos + bytes > this.end) throw new MalformedRecordError(`array runs past the end of the checkpoint at ${this.pos}`);
    const out = new Kind(count);
    new Uint8Array(out.buffer).set(this.buf.subarray(this.pos, this.pos + bytes));
    this.pos += bytes;
    return out;
  }
}
