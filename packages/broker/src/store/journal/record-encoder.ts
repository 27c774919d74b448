import type { FrameBody } from '@tsmq/codec';
import type { StoreOp, StoredMessage } from '../message-store.js';
import { crc32Update } from './crc32.js';
import { FORMAT_VERSION, OP_PREFIX_SIZE, OpType, RECORD_HEADER_SIZE, RecordType, SEGMENT_HEADER_PAYLOAD } from './record-format.js';

/**
 * Bodies up to this size are copied next to the message's other fields; larger ones are written straight
 * from the caller's buffer (one more iovec), because below it the copy costs less than the extra iovec.
 */
const INLINE_BODY_LIMIT = 1024;
/** Below Node's pool threshold (half of `Buffer.poolSize`), so a small record costs no allocation of its own. */
const SCRATCH_SIZE = 2048;

/** Where an add op sits inside its record, so the index can find the message again. */
export interface AddLocation {
  /** Offset of the op from the start of the record. */
  offset: number;
  /** Length of the op in bytes. */
  length: number;
}

/** One record, ready to be written with `writev`, plus what the index needs once it is durable. */
export interface EncodedRecord {
  /** The record's bytes; large bodies are the caller's own buffers, not copies. */
  chunks: Uint8Array[];
  length: number;
  /** One entry per add op, in op order. */
  adds: AddLocation[];
  /** Sum of the add ops' lengths: what the batch adds to `usage()`. */
  addBytes: number;
}

/**
 * Appends fields into scratch buffers and hands out the finished bytes as chunks. A length field is
 * reserved and patched later through the buffer it lives in, which stays valid after the scratch buffer
 * has been handed out as a chunk because scratch memory is never reused. Records and index
 * checkpoints are both written with it.
 */
export class ChunkEncoder {
  readonly chunks: Uint8Array[] = [];
  private buf: Buffer;
  private pos = 0;
  private start = 0;
  /** Bytes already handed out as chunks. */
  private flushed = 0;

  /** @param scratchSize - bytes per scratch buffer: small for records, larger for a checkpoint's many fields. */
  constructor(private readonly scratchSize = SCRATCH_SIZE) {
    this.buf = Buffer.allocUnsafe(scratchSize);
  }

  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flushScratch();
    this.buf = Buffer.allocUnsafe(Math.max(this.scratchSize, n));
    this.pos = 0;
    this.start = 0;
  }

  private flushScratch(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  /** Reserves a u32 and returns a function that fills it in. */
  reserveU32(): (value: number) => void {
    this.ensure(4);
    const buf = this.buf;
    const at = this.pos;
    this.pos += 4;
    return (value) => buf.writeUInt32LE(value, at);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  str(s: string): void {
    // A UTF-16 code unit never needs more than 3 UTF-8 bytes, so this bound avoids measuring the string twice.
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4 + n;
  }

  /** Bytes as they are, without a length. */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A typed array's memory as a chunk of its own: a view, not a copy. */
  array(a: Float64Array | Uint32Array | Uint8Array): void {
    this.flushScratch();
    if (a.byteLength === 0) return;
    this.chunks.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    this.flushed += a.byteLength;
  }

  bytes(b: FrameBody): void {
    if (!(b instanceof Uint8Array)) {
      // A body kept in the pieces it arrived in is written as those pieces.
      this.u32(b.byteLength);
      this.flushScratch();
      for (const piece of b.pieces) this.chunks.push(piece);
      this.flushed += b.byteLength;
      return;
    }
    this.u32(b.length);
    if (b.length <= INLINE_BODY_LIMIT) {
      this.ensure(b.length);
      this.buf.set(b, this.pos);
      this.pos += b.length;
    } else {
      this.flushScratch();
      this.chunks.push(b);
      this.flushed += b.length;
    }
  }

  finish(): Uint8Array[] {
    this.flushScratch();
    return this.chunks;
  }
}

function encodeAdd(e: ChunkEncoder, container: string, m: StoredMessage): void {
  e.str(container);
  e.f64(m.seq);
  e.u8(m.priority);
  e.u8(m.persistent ? 1 : 0);
  e.f64(m.expires);
  e.f64(m.deliverAt);
  e.u32(m.redeliveryCount);
  e.str(m.messageId);
  e.str(m.destination);
  const setCount = e.reserveU32();
  let n = 0;
  for (const name in m.headers) {
    e.str(name);
    e.str(m.headers[name]!);
    n++;
  }
  setCount(n);
  e.bytes(m.body);
}

/** Encodes the ops of one `write()` call as one BATCH record. */
export function encodeBatch(ops: readonly StoreOp[]): EncodedRecord {
  const e = new ChunkEncoder();
  const setLength = e.reserveU32();
  const setCrc = e.reserveU32();
  e.u8(RecordType.BATCH);
  e.u32(ops.length);
  const adds: AddLocation[] = [];
  let addBytes = 0;
  for (const op of ops) {
    const opStart = e.length;
    switch (op.op) {
      case 'add': {
        e.u8(OpType.ADD);
        const setOpLength = e.reserveU32();
        encodeAdd(e, op.container, op.message);
        const length = e.length - opStart;
        setOpLength(length - OP_PREFIX_SIZE);
        adds.push({ offset: opStart, length });
        addBytes += length;
        break;
      }
      case 'remove': {
        e.u8(OpType.REMOVE);
        const setOpLength = e.reserveU32();
        e.str(op.container);
        e.f64(op.seq);
        setOpLength(e.length - opStart - OP_PREFIX_SIZE);
        break;
      }
      case 'update': {
        e.u8(OpType.UPDATE);
        const setOpLength = e.reserveU32();
        e.str(op.container);
        e.f64(op.seq);
        e.u32(op.redeliveryCount);
        e.f64(op.deliverAt);
        setOpLength(e.length - opStart - OP_PREFIX_SIZE);
        break;
      }
      case 'addSubscription': {
        e.u8(OpType.ADD_SUBSCRIPTION);
        const setOpLength = e.reserveU32();
        const s = op.subscription;
        e.str(JSON.stringify({ clientId: s.clientId, name: s.name, destination: s.destination, selector: s.selector, noLocal: s.noLocal }));
        setOpLength(e.length - opStart - OP_PREFIX_SIZE);
        break;
      }
      case 'removeSubscription': {
        e.u8(OpType.REMOVE_SUBSCRIPTION);
        const setOpLength = e.reserveU32();
        e.str(op.clientId);
        e.str(op.name);
        setOpLength(e.length - opStart - OP_PREFIX_SIZE);
        break;
      }
    }
  }
  const length = e.length;
  const chunks = e.finish();
  setLength(length - RECORD_HEADER_SIZE);
  setCrc(checksumAfterHeader(chunks));
  return { chunks, length, adds, addBytes };
}

/** CRC of everything after the length and crc fields (type byte and payload). */
function checksumAfterHeader(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  let skip = 8;
  for (const c of chunks) {
    if (skip >= c.length) {
      skip -= c.length;
      continue;
    }
    crc = crc32Update(crc, c, skip, c.length);
    skip = 0;
  }
  return crc;
}

/** The record that opens every segment. */
export function encodeSegmentHeader(segment: number, lastSeq: number, suspectUpTo: number): Buffer {
  const b = Buffer.allocUnsafe(RECORD_HEADER_SIZE + SEGMENT_HEADER_PAYLOAD);
  b.writeUInt32LE(SEGMENT_HEADER_PAYLOAD, 0);
  b[8] = RecordType.SEGMENT_HEADER;
  b.writeUInt32LE(FORMAT_VERSION, 9);
  b.writeUInt32LE(segment, 13);
  b.writeDoubleLE(lastSeq, 17);
  b.writeDoubleLE(suspectUpTo, 25);
  b.writeUInt32LE(crc32Update(0, b, 8, b.length), 4);
  return b;
}

/** The record `open()` writes after a crash. */
export function encodeSuspect(suspectUpTo: number): Buffer {
  const b = Buffer.allocUnsafe(RECORD_HEADER_SIZE + 8);
  b.writeUInt32LE(8, 0);
  b[8] = RecordType.SUSPECT;
  b.writeDoubleLE(suspectUpTo, 9);
  b.writeUInt32LE(crc32Update(0, b, 8, b.length), 4);
  return b;
}

/** The record `close()` appends last. */
export function encodeCleanShutdown(): Buffer {
  const b = Buffer.alloc(RECORD_HEADER_SIZE);
  b[8] = RecordType.CLEAN_SHUTDOWN;
  b.writeUInt32LE(crc32Update(0, b, 8, b.length), 4);
  return b;
}
