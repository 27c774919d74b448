/**
 * On-disk format of the journal. All integers are little-endian.
 *
 * A segment file `journal-<n>.log` is a sequence of records, followed by zeros up to the segment size
 * when the file was preallocated (`journal-<n>.prealloc` while it is being prepared). Zeros from a
 * record boundary to the end of the file are the unused end of the segment, not a record.
 *
 *
 * ```
 * [payloadLength u32][crc32 u32][type u8][payload: payloadLength bytes]
 * ```
 *
 * `crc32` covers the type byte and the payload, so a torn write, a zero-filled tail or a flipped bit is
 * detected on replay. Record types:
 *
 * - `SEGMENT_HEADER` (first record of every segment): `[version u32][segment u32][lastSeq f64][suspectUpTo f64]`.
 *   `lastSeq` is the highest seq written before the segment was started, so the highest seq survives
 *   even when every segment that held those messages has been deleted; `suspectUpTo` carries the
 *   `SUSPECT` mark forward the same way.
 * - `BATCH`: `[opCount u32]` then the ops of one `write()` call. One call is one record, which is
 *   what makes a batch atomic on replay: either its checksum holds and all ops apply, or none do.
 * - `CLEAN_SHUTDOWN` (empty payload): written by `close()`. When it is not the last record of the
 *   journal, the broker stopped without closing it (a crash).
 * - `SUSPECT`: `[suspectUpTo f64]`, written by `open()` after a crash: messages with a seq up to it may
 *   have been delivered before the crash, so they are reported redelivered until they are consumed,
 *   also across later clean restarts.
 *
 * Each op is `[opType u8][opLength u32][opLength bytes]`, so replay can skip what it does not need
 * (headers, body) without decoding it. Strings are `[byteLength u32][utf-8]`; numbers that may exceed
 * 32 bits (seq, epoch milliseconds) are f64, which holds every integer below 2^53 exactly.
 *
 * - add: container, seq f64, priority u8, persistent u8, expires f64, deliverAt f64,
 *   redeliveryCount u32, messageId, destination, [headerCount u32] + name/value pairs, [bodyLength u32] body
 * - remove: container, seq f64
 * - update: container, seq f64, redeliveryCount u32, deliverAt f64
 * - addSubscription: one JSON string (rare, so JSON is fine there)
 * - removeSubscription: clientId, name
 */

export const RECORD_HEADER_SIZE = 9;
export const FORMAT_VERSION = 1;

export const RecordType = {
  SEGMENT_HEADER: 1,
  BATCH: 2,
  CLEAN_SHUTDOWN: 3,
  SUSPECT: 4,
} as const;

export const OpType = {
  ADD: 1,
  REMOVE: 2,
  UPDATE: 3,
  ADD_SUBSCRIPTION: 4,
  REMOVE_SUBSCRIPTION: 5,
} as const;

/** Bytes before an op's own fields: type and length. */
export const OP_PREFIX_SIZE = 5;

/** Payload size of a segment header record. */
export const SEGMENT_HEADER_PAYLOAD = 24;

const SEGMENT_NAME = /^journal-(\d+)\.log$/;

/** File name of segment `id`. */
export const segmentFileName = (id: number): string => `journal-${id}.log`;

/** File name of segment `id` while it is preallocated, before it becomes the segment by a rename. */
export const preallocationFileName = (id: number): string => `journal-${id}.prealloc`;

/** True for the name of a preallocation left over from an earlier run. */
export const isPreallocationFileName = (name: string): boolean => PREALLOCATION_NAME.test(name);

const PREALLOCATION_NAME = /^journal-\d+\.prealloc$/;

/** Segment id of a file name, or undefined when the file is not a segment. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}
