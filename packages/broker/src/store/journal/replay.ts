import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32.js';
import { closeFile, datasync, fileSize, openFile, readExactly, truncateFile } from './file-io.js';
import { JournalIndex } from './journal-index.js';
import { isZeroFilled } from './preallocation.js';
import { ContainerNameCache, forEachReplayOp, MalformedRecordError, type ReplayOp } from './record-decoder.js';
import { FORMAT_VERSION, parseSegmentFileName, RECORD_HEADER_SIZE, RecordType, SEGMENT_HEADER_PAYLOAD, segmentFileName } from './record-format.js';

/** The journal as found on disk. */
export interface ReplayResult {
  index: JournalIndex;
  /** Existing segment ids, oldest first. */
  segments: number[];
  /** Where appending continues: the newest segment and the end of its last good record. */
  tail: { segment: number; offset: number } | undefined;
  /** False when the journal holds records but its last one is not the mark `close()` leaves: the broker crashed. */
  cleanShutdown: boolean;
  warnings: string[];
  /** Bytes of records replayed (the zeros of preallocated segments are not counted). */
  bytesRead: number;
}

/** Where replay starts when a checkpoint was loaded: its index, and the journal position it covers. */
export interface ReplayStart {
  index: JournalIndex;
  segment: number;
  offset: number;
  /** Type of the last record before that position, if any. */
  lastType: number | undefined;
}

/** Segment ids found in `directory`, oldest first. */
export async function listSegments(directory: string): Promise<number[]> {
  return (await readdir(directory))
    .map(parseSegmentFileName)
    .filter((id): id is number => id !== undefined)
    .sort((a, b) => a - b);
}

/** An op that changes the index without placing a message: the same whether it is written now or replayed. */
export type IndexChange = Exclude<ReplayOp, { op: 'add' }>;

/**
 * Applies `op`, durable in segment `seg`, to the index. The live store and replay share it so that
 * a restart rebuilds exactly the index the running broker had; adds stay with each caller, which
 * finds the message's file position its own way.
 */
export function applyToIndex(index: JournalIndex, op: IndexChange, seg: number): void {
  switch (op.op) {
    case 'remove':
      index.remove(op.container, op.seq, seg);
      break;
    case 'update':
      index.update(op.container, op.seq, op.redeliveryCount, op.deliverAt, seg);
      break;
    case 'addSubscription':
      index.addSubscription(op.subscription, seg);
      break;
    case 'removeSubscription':
      index.removeSubscription(op.clientId, op.name, seg);
      break;
  }
}

/**
 * Rebuilds the index by replaying every segment oldest first.
 *
 * A record that is cut short, runs past the end of its file, fails its checksum or does not decode
 * ends the replay of its segment. In the newest segment that is the torn tail of an interrupted
 * write: the file is truncated there so that appending continues from the last good record. In an
 * older segment it is damage to data already acknowledged; the rest of that segment cannot be
 * trusted (record boundaries are lost), so replay warns and continues with the next segment
 * without touching the file. Zeros from a record boundary to the end of a file are not a problem:
 * they are the preallocated, unused rest of a segment, and the newest segment keeps them (appending
 * continues at the first of them).
 */
export async function replayJournal(directory: string, allSegments: number[], start?: ReplayStart): Promise<ReplayResult> {
  // From a checkpoint, only what was appended after its position is replayed.
  const segments = start ? allSegments.filter((s) => s >= start.segment) : allSegments;
  const index = start?.index ?? new JournalIndex();
  const warnings: string[] = [];
  const names = new ContainerNameCache();
  let tail: ReplayResult['tail'];
  let lastRecordType = start?.lastType;
  let anyRecord = lastRecordType !== undefined;
  let tornTail = false;
  let bytesRead = 0;
  const pathOf = (seg: number) => join(directory, segmentFileName(seg));
  const baseOf = (seg: number) => (start && seg === start.segment ? start.offset : 0);
  // The next segment is read while the current one is replayed, so disk and checksum work overlap.
  let next = segments.length > 0 ? readFrom(pathOf(segments[0]!), baseOf(segments[0]!)) : undefined;
  for (const [i, seg] of segments.entries()) {
    const newest = i === segments.length - 1;
    const base = baseOf(seg);
    const buf = await next!;
    next = newest ? undefined : readFrom(pathOf(segments[i + 1]!), baseOf(segments[i + 1]!));
    next?.catch(() => undefined); // awaited in the next iteration; this only avoids an unhandled rejection meanwhile
    index.addSegment(seg);
    const { goodEnd, problem, lastType } = replaySegment(buf, base, seg, index, names);
    // A newest segment without records (created just before a stop) says nothing about how the broker stopped.
    bytesRead += goodEnd - base;
    if (lastType !== undefined) {
      anyRecord = true;
      lastRecordType = lastType;
    }
    if (problem) {
      const lost = base + buf.length - goodEnd;
      if (newest) {
        tornTail = true;
        await truncateAt(pathOf(seg), goodEnd);
        warnings.push(`journal ${segmentFileName(seg)}: ${problem} at offset ${goodEnd}; cut off the last ${lost} bytes (an interrupted write)`);
      } else {
        warnings.push(`journal ${segmentFileName(seg)}: ${problem} at offset ${goodEnd}; skipped the remaining ${lost} bytes of this segment`);
      }
    }
    if (newest) tail = { segment: seg, offset: goodEnd };
  }
  const cleanShutdown = !anyRecord || (!tornTail && lastRecordType === RecordType.CLEAN_SHUTDOWN);
  return { index, segments: allSegments, tail, cleanShutdown, warnings, bytesRead };
}

/** A segment file from `base` to its end; a file that is not a regular file reads as empty. */
async function readFrom(path: string, base: number): Promise<Buffer> {
  const fd = await openFile(path, 'r');
  try {
    const size = await fileSize(fd);
    return size > base ? await readExactly(fd, base, size - base) : Buffer.alloc(0);
  } finally {
    await closeFile(fd);
  }
}

async function truncateAt(path: string, length: number): Promise<void> {
  const fd = await openFile(path, 'r+');
  try {
    await truncateFile(fd, length);
    await datasync(fd);
  } finally {
    await closeFile(fd);
  }
}

/**
 * Applies the records of one segment, `buf` being its bytes from file offset `base`; returns the end of
 * the last good record (a file offset) and what stopped replay, if anything.
 */
function replaySegment(
  buf: Buffer,
  base: number,
  seg: number,
  index: JournalIndex,
  names: ContainerNameCache,
): { goodEnd: number; problem?: string; lastType?: number } {
  let pos = 0;
  let lastType: number | undefined;
  while (pos < buf.length) {
    // No record is all zeros (there is no record type 0), so zeros from here to the end of the file are
    // the preallocated rest of the segment, or an extension that was never written: the end, not damage.
    if (buf[pos] === 0 && isZeroFilled(buf, pos, buf.length)) return { goodEnd: base + pos, lastType };
    if (buf.length - pos < RECORD_HEADER_SIZE) return { goodEnd: base + pos, lastType, problem: 'partial record header' };
    const payloadLength = buf.readUInt32LE(pos);
    const end = pos + RECORD_HEADER_SIZE + payloadLength;
    if (end > buf.length) return { goodEnd: base + pos, lastType, problem: `record length ${payloadLength} runs past the end of the file` };
    if (crc32(buf, pos + 8, end) !== buf.readUInt32LE(pos + 4)) return { goodEnd: base + pos, lastType, problem: 'record checksum mismatch' };
    const type = buf[pos + 8];
    const payload = pos + RECORD_HEADER_SIZE;
    if (type === RecordType.SEGMENT_HEADER) {
      if (payloadLength < SEGMENT_HEADER_PAYLOAD || buf.readUInt32LE(payload) !== FORMAT_VERSION) {
        return { goodEnd: base + pos, lastType, problem: 'unknown segment format version' };
      }
      index.lastSeq = Math.max(index.lastSeq, buf.readDoubleLE(payload + 8));
      index.suspectUpTo = Math.max(index.suspectUpTo, buf.readDoubleLE(payload + 16));
    } else if (type === RecordType.SUSPECT) {
      if (payloadLength < 8) return { goodEnd: base + pos, lastType, problem: 'short SUSPECT record' };
      index.suspectUpTo = Math.max(index.suspectUpTo, buf.readDoubleLE(payload));
    } else if (type === RecordType.BATCH) {
      try {
        forEachReplayOp(buf, payload, end, names, (op) => {
          if (op.op === 'add') index.add(op.container, op.seq, op.priority, seg, base + op.offset, op.length, base + pos, end - pos);
          else applyToIndex(index, op, seg);
        });
      } catch (err) {
        if (err instanceof MalformedRecordError || err instanceof SyntaxError) return { goodEnd: base + pos, lastType, problem: `undecodable record (${err.message})` };
        throw err;
      }
    } else if (type !== RecordType.CLEAN_SHUTDOWN) {
      return { goodEnd: base + pos, lastType, problem: `unknown record type ${type}` };
    }
    lastType = type;
    pos = end;
  }
  return { goodEnd: base + pos, lastType };
}
