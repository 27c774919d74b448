/**
 * A SEND frame encoded once per producer; per message only the sequence number, the send time
 * and (optionally) the receipt id are patched into a small copy of the head. The body, with its
 * NUL terminator, is one shared buffer written as is, never copied.
 */
import { encodeFrameHead } from '@tsmq/codec';

/** Header naming the producer of a benchmark message. */
export const PRODUCER_HEADER = 'bench-producer';
/** Header carrying the per-producer sequence number (0, 1, 2, ...). */
export const SEQUENCE_HEADER = 'bench-seq';
/** Header carrying the send time in microseconds of the generator's monotonic clock. */
export const SENT_AT_HEADER = 'bench-sent-us';

const SEQ_DIGITS = 10;
const TIME_DIGITS = 15;
const ZERO = 0x30;

/** What every message of one producer shares. */
export interface SendTemplateOptions {
  destination: string;
  producer: number;
  bodySize: number;
  /** Adds `persistent:true` (ActiveMQ's and RabbitMQ's header for a persistent message). */
  persistent: boolean;
  /** Adds a `receipt` header whose value is the sequence number. */
  receipt: boolean;
}

/** Builds the frames of one producer; see the module comment. */
export class SendTemplate {
  private readonly head: Buffer;
  private readonly tail: Buffer;
  private readonly seqOffset: number;
  private readonly timeOffset: number;
  private readonly receiptOffset: number;

  constructor(options: SendTemplateOptions) {
    const headers: Record<string, string> = {
      destination: options.destination,
      'content-length': String(options.bodySize),
      [PRODUCER_HEADER]: String(options.producer),
      [SEQUENCE_HEADER]: '0'.repeat(SEQ_DIGITS),
      [SENT_AT_HEADER]: '0'.repeat(TIME_DIGITS),
    };
    if (options.persistent) headers['persistent'] = 'true';
    if (options.receipt) headers['receipt'] = '0'.repeat(SEQ_DIGITS);
    const encoded = encodeFrameHead('SEND', headers, options.bodySize, { version: '1.2' });
    this.head = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.length);
    this.seqOffset = valueOffset(this.head, SEQUENCE_HEADER);
    this.timeOffset = valueOffset(this.head, SENT_AT_HEADER);
    this.receiptOffset = options.receipt ? valueOffset(this.head, 'receipt') : -1;
    // Printable filler: a text body is valid for every broker, over WebSocket text frames too.
    this.tail = Buffer.alloc(options.bodySize + 1, 0x78);
    this.tail[options.bodySize] = 0;
  }

  /** Bytes on the wire per message. */
  get frameSize(): number {
    return this.head.length + this.tail.length;
  }

  /** The parts of message `seq` sent at `sentAtMicros`, to write back to back. */
  frame(seq: number, sentAtMicros: number): [Uint8Array, Uint8Array] {
    const head = Buffer.allocUnsafe(this.head.length);
    this.head.copy(head);
    writeDigits(head, this.seqOffset, SEQ_DIGITS, seq);
    writeDigits(head, this.timeOffset, TIME_DIGITS, Math.floor(sentAtMicros));
    if (this.receiptOffset >= 0) writeDigits(head, this.receiptOffset, SEQ_DIGITS, seq);
    return [head, this.tail];
  }
}

function valueOffset(head: Buffer, name: string): number {
  const at = head.indexOf(`\n${name}:`);
  if (at < 0) throw new Error(`header ${name} missing from the encoded template`);
  return at + name.length + 2;
}

function writeDigits(target: Buffer, offset: number, width: number, value: number): void {
  let v = value;
  for (let i = offset + width - 1; i >= offset; i--) {
    target[i] = ZERO + (v % 10);
    v = Math.floor(v / 10);
  }
}
