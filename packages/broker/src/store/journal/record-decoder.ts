import type { StompHeaders } from '@tsmq/codec';
import type { DurableSubscriptionRecord, StoredMessage } from '../message-store.js';
import { OP_PREFIX_SIZE, OpType } from './record-format.js';

/** Thrown when bytes that passed their checksum still do not decode: a format bug, treated as corruption. */
export class MalformedRecordError extends Error {
  override name = 'MalformedRecordError';
}

/**
 * Reads fields from a buffer, checking bounds so that a malformed record fails with
 * {@link MalformedRecordError} rather than reading past its end.
 */
export class FieldReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new MalformedRecordError(`field runs past the end of its record at ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  str(): string {
    const n = this.u32();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A view on the bytes, not a copy. */
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/**
 * Decodes the add op at `r.pos` (its type byte included) into a message. The body is a view on `r.buf`.
 */
export function decodeAddOp(r: FieldReader): { container: string; message: StoredMessage } {
  const type = r.u8();
  if (type !== OpType.ADD) throw new MalformedRecordError(`expected an add op, found type ${type}`);
  const opEnd = r.u32() + r.pos;
  const saveEnd = r.end;
  if (opEnd > r.end) throw new MalformedRecordError('add op runs past the end of its record');
  r.end = opEnd;
  const container = r.str();
  const seq = r.f64();
  const priority = r.u8();
  const persistent = r.u8() === 1;
  const expires = r.f64();
  const deliverAt = r.f64();
  const redeliveryCount = r.u32();
  const messageId = r.str();
  const destination = r.str();
  const headerCount = r.u32();
  const headers: StompHeaders = Object.create(null) as StompHeaders;
  for (let i = 0; i < headerCount; i++) {
    const name = r.str();
    headers[name] = r.str();
  }
  const body = r.bytes();
  r.end = saveEnd;
  r.pos = opEnd;
  return {
    container,
    message: { seq, messageId, destination, headers, body, persistent, priority, expires, deliverAt, redeliveryCount },
  };
}

/** What replay needs from an op; an add's headers and body stay undecoded on disk. */
export type ReplayOp =
  | { op: 'add'; container: string; seq: number; priority: number; offset: number; length: number }
  | { op: 'remove'; container: string; seq: number }
  | { op: 'update'; container: string; seq: number; redeliveryCount: number; deliverAt: number }
  | { op: 'addSubscription'; subscription: DurableSubscriptionRecord }
  | { op: 'removeSubscription'; clientId: string; name: string };

/**
 * Decodes container names while replaying. Consecutive ops nearly always name the same container, so
 * comparing bytes against the previous name avoids decoding (and allocating) the same string a million times.
 */
export class ContainerNameCache {
  private lastBytes = Buffer.alloc(0);
  private lastName = '';

  read(r: FieldReader): string {
    const n = r.u32();
    if (r.pos + n > r.end) throw new MalformedRecordError('container name runs past the end of its op');
    const buf = r.buf;
    let name: string;
    if (n === this.lastBytes.length && buf.compare(this.lastBytes, 0, n, r.pos, r.pos + n) === 0) {
      name = this.lastName;
    } else {
      name = buf.toString('utf8', r.pos, r.pos + n);
      this.lastBytes = Buffer.from(buf.subarray(r.pos, r.pos + n));
      this.lastName = name;
    }
    r.pos += n;
    return name;
  }
}

/**
 * Decodes the ops of a BATCH payload `buf[start, end)` and passes each to `visit`. Add ops report
 * their position in the buffer; the caller turns that into a file offset.
 */
export function forEachReplayOp(
  buf: Buffer,
  start: number,
  end: number,
  names: ContainerNameCache,
  visit: (op: ReplayOp) => void,
): void {
  const r = new FieldReader(buf, start, end);
  const count = r.u32();
  // Ops are decoded fully before any is applied, so a malformed record applies nothing.
  const ops: ReplayOp[] = [];
  for (let i = 0; i < count; i++) {
    const opStart = r.pos;
    const type = r.u8();
    const opLength = r.u32();
    const opEnd = r.pos + opLength;
    if (opEnd > end) throw new MalformedRecordError(`op ${i} runs past the end of its record`);
    r.end = opEnd;
    switch (type) {
      case OpType.ADD: {
        const container = names.read(r);
        const seq = r.f64();
        const priority = r.u8();
        ops.push({ op: 'add', container, seq, priority, offset: opStart, length: OP_PREFIX_SIZE + opLength });
        break;
      }
      case OpType.REMOVE:
        ops.push({ op: 'remove', container: names.read(r), seq: r.f64() });
        break;
      case OpType.UPDATE:
        ops.push({ op: 'update', container: names.read(r), seq: r.f64(), redeliveryCount: r.u32(), deliverAt: r.f64() });
        break;
      case OpType.ADD_SUBSCRIPTION: {
        const s = JSON.parse(r.str()) as DurableSubscriptionRecord;
        ops.push({
          op: 'addSubscription',
          subscription: { clientId: s.clientId, name: s.name, destination: s.destination, selector: s.selector, noLocal: s.noLocal },
        });
        break;
      }
      case OpType.REMOVE_SUBSCRIPTION:
        ops.push({ op: 'removeSubscription', clientId: r.str(), name: r.str() });
        break;
      default:
        throw new MalformedRecordError(`unknown op type ${type}`);
    }
    r.pos = opEnd;
    r.end = end;
  }
  if (r.pos !== end) throw new MalformedRecordError('record holds bytes after its last op');
  for (const op of ops) visit(op);
}
