import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32.js';
import { closeFile, datasync, fileSize, openFile, readExactly, truncateFile } from './file-io.js';
import { JournalIndex } from './journal-index.js';
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
 * without touching the file.
 */
export async function replayJournal(directory: string): Promise<ReplayResult> {
  const segments = (await readdir(directory))
    .map(parseSegmentFileName)
    .filter((id): id is number => id !== undefined)
    .sort((a, b) => a - b);
  const index = new JournalIndex();
  const warnings: string[] = [];
  const names = new ContainerNameCache();
  let tail: ReplayResult['tail'];
  let lastRecordType: number | undefined;
  let anyRecord = false;
  let tornTail = false;
  const pathOf = (seg: number) => join(directory, segmentFileName(seg));
  // The next segment is read while the current one is replayed, so disk and checksum work overlap.
  let next = segments.length > 0 ? readWhole(pathOf(segments[0]!)) : undefined;
  for (const [i, seg] of segments.entries()) {
    const newest = i === segments.length - 1;
    const buf = await next!;
    next = newest ? undefined : readWhole(pathOf(segments[i + 1]!));
    next?.catch(() => undefined); // awaited in the next iteration; this only avoids an unhandled rejection meanwhile
    index.addSegment(seg);
    const { goodEnd, problem, lastType } = replaySegment(buf, seg, index, names);
    if (lastType !== undefined) anyRecord = true;
    if (newest) lastRecordType = lastType;
    if (problem) {
      const lost = buf.length - goodEnd;
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
  return { index, segments, tail, cleanShutdown, warnings };
}

/** The whole content of a segment file; a file that is not a regular file reads as empty. */
async function readWhole(path: string): Promise<Buffer> {
  const fd = await openFile(path, 'r');
  try {
    const size = await fileSize(fd);
    return size > 0 ? await readExactly(fd, 0, size) : Buffer.alloc(0);
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

/** Applies the records of one segment; returns the end of the last good record and what stopped replay, if anything. */
function replaySegment(
  buf: Buffer,
  seg: number,
  index: JournalIndex,
  names: ContainerNameCache,
): { goodEnd: number; problem?: string; lastType?: number } {
  let pos = 0;
  let lastType: number | undefined;
  while (pos < buf.length) {
    if (buf.length - pos < RECORD_HEADER_SIZE) return { goodEnd: pos, lastType, problem: 'partial record header' };
    const payloadLength = buf.readUInt32LE(pos);
    const end = pos + RECORD_HEADER_SIZE + payloadLength;
    if (end > buf.length) return { goodEnd: pos, lastType, problem: `record length ${payloadLength} runs past the end of the file` };
    if (crc32(buf, pos + 8, end) !== buf.readUInt32LE(pos + 4)) return { goodEnd: pos, lastType, problem: 'record checksum mismatch' };
    const type = buf[pos + 8];
    const payload = pos + RECORD_HEADER_SIZE;
    if (type === RecordType.SEGMENT_HEADER) {
      if (payloadLength < SEGMENT_HEADER_PAYLOAD || buf.readUInt32LE(payload) !== FORMAT_VERSION) {
        return { goodEnd: pos, lastType, problem: 'unknown segment format version' };
      }
      index.lastSeq = Math.max(index.lastSeq, buf.readDoubleLE(payload + 8));
      index.suspectUpTo = Math.max(index.suspectUpTo, buf.readDoubleLE(payload + 16));
    } else if (type === RecordType.SUSPECT) {
      if (payloadLength < 8) return { goodEnd: pos, lastType, problem: 'short SUSPECT record' };
      index.suspectUpTo = Math.max(index.suspectUpTo, buf.readDoubleLE(payload));
    } else if (type === RecordType.BATCH) {
      try {
        forEachReplayOp(buf, payload, end, names, (op) => {
          if (op.op === 'add') index.add(op.container, op.seq, op.priority, seg, op.offset, op.length);
          else applyToIndex(index, op, seg);
        });
      } catch (err) {
        if (err instanceof MalformedRecordError || err instanceof SyntaxError) return { goodEnd: pos, lastType, problem: `undecodable record (${err.message})` };
        throw err;
      }
    } else if (type !== RecordType.CLEAN_SHUTDOWN) {
      return { goodEnd: pos, lastType, problem: `unknown record type ${type}` };
    }
    lastType = type;
    pos = end;
  }
  return { goodEnd: pos, lastType };
}
