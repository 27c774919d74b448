/**
 * Client-to-server WebSocket data frames (RFC 6455 §5.2), encoded by the load generator itself.
 *
 * The `ws` library masks every byte of a client message in a JavaScript loop of one byte per
 * iteration (its native helper is an optional dependency this repository does not have, and
 * Node 20 has no built-in one), which made masking a third of the generator's CPU over
 * WebSocket. Here the payload is copied once into the frame and masked in place 32 bits at a
 * time. The masking key is still random per frame, as RFC 6455 §5.3 requires of clients and as
 * browsers do, so the broker under test unmasks exactly what it would for a real client.
 * @packageDocumentation
 */
import { randomFillSync } from 'node:crypto';

/** RFC 6455 §5.2: FIN set, opcode 2 (binary). */
const FIN_BINARY = 0x82;
const MASK_BIT = 0x80;

/** Random bytes drawn in bulk; four per frame. */
const RANDOM_POOL_SIZE = 8 * 1024;
const randomPool = Buffer.allocUnsafe(RANDOM_POOL_SIZE);
let randomAt = RANDOM_POOL_SIZE;

/** The key rotated to an aligned start, read back as one native-endian word. */
const keyBytes = new Uint8Array(4);
const keyWord = new Int32Array(keyBytes.buffer);

/** Payloads shorter than this are masked byte by byte: the word loop's setup would cost more than it saves. */
const WORD_MASK_MIN = 32;

/**
 * Frames are encoded back to back into a shared block, so a burst costs neither an allocation
 * nor a typed-array view per frame. A block region is never written again once handed out (the
 * socket may still be sending it); a fresh block replaces a full one.
 */
const BLOCK_SIZE = 64 * 1024;
/** Frames larger than this get a buffer of their own. */
const LARGEST_IN_BLOCK = 16 * 1024;
let block = Buffer.allocUnsafeSlow(BLOCK_SIZE);
let blockWords = wordsOf(block);
let blockUsed = 0;

/** A view of every whole 32-bit word of a buffer that starts its ArrayBuffer. */
function wordsOf(buffer: Buffer): Int32Array {
  return new Int32Array(buffer.buffer, 0, buffer.buffer.byteLength >>> 2);
}

/** Bytes of the frame header (with its 4-byte masking key) for a payload of `length` bytes. */
export function maskedHeaderLength(length: number): number {
  return length <= 125 ? 6 : length <= 0xffff ? 8 : 14;
}

/**
 * Encodes one final binary frame whose payload is `parts` written back to back, masked with a
 * fresh random key. The result may be handed to a socket as it is and is never modified again.
 */
export function encodeMaskedFrame(parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const headerLength = maskedHeaderLength(length);
  const size = headerLength + length;
  let target: Buffer;
  let words: Int32Array;
  let at: number;
  if (size > LARGEST_IN_BLOCK) {
    target = Buffer.allocUnsafeSlow(size);
    words = wordsOf(target);
    at = 0;
  } else {
    if (blockUsed + size > BLOCK_SIZE) {
      block = Buffer.allocUnsafeSlow(BLOCK_SIZE);
      blockWords = wordsOf(block);
      blockUsed = 0;
    }
    target = block;
    words = blockWords;
    at = blockUsed;
    blockUsed += size;
  }
  target[at] = FIN_BINARY;
  if (length <= 125) {
    target[at + 1] = MASK_BIT | length;
  } else if (length <= 0xffff) {
    target[at + 1] = MASK_BIT | 126;
    target.writeUInt16BE(length, at + 2);
  } else {
    target[at + 1] = MASK_BIT | 127;
    target.writeUInt32BE(Math.floor(length / 0x1_0000_0000), at + 2);
    target.writeUInt32BE(length >>> 0, at + 6);
  }
  if (randomAt === RANDOM_POOL_SIZE) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  const keyAt = at + headerLength - 4;
  target[keyAt] = randomPool[randomAt++]!;
  target[keyAt + 1] = randomPool[randomAt++]!;
  target[keyAt + 2] = randomPool[randomAt++]!;
  target[keyAt + 3] = randomPool[randomAt++]!;
  const payloadAt = at + headerLength;
  let p = payloadAt;
  for (const part of parts) {
    target.set(part, p);
    p += part.length;
  }
  maskWithWords(target, words, payloadAt, p, keyAt);
  return target === block ? block.subarray(at, at + size) : target;
}

/**
 * Masks `bytes[start, end)` with the key at `bytes[keyAt, keyAt + 4)`, 32 bits at a time where
 * aligned. `words` views `bytes`' ArrayBuffer from its start, and `bytes` starts that ArrayBuffer.
 */
function maskWithWords(bytes: Buffer, words: Int32Array, start: number, end: number, keyAt: number): void {
  const k0 = bytes[keyAt]!;
  const k1 = bytes[keyAt + 1]!;
  const k2 = bytes[keyAt + 2]!;
  const k3 = bytes[keyAt + 3]!;
  let i = start;
  if (end - start >= WORD_MASK_MIN) {
    for (; (i & 3) !== 0; i++) bytes[i] = bytes[i]! ^ bytes[keyAt + ((i - start) & 3)]!;
    // The key as it lines up with the word at i, read back in native byte order.
    const shift = i - start;
    keyBytes[0] = bytes[keyAt + (shift & 3)]!;
    keyBytes[1] = bytes[keyAt + ((shift + 1) & 3)]!;
    keyBytes[2] = bytes[keyAt + ((shift + 2) & 3)]!;
    keyBytes[3] = bytes[keyAt + ((shift + 3) & 3)]!;
    const k = keyWord[0]!;
    const last = end >>> 2;
    let w = i >>> 2;
    // Four words per iteration: about a third faster than one in V8.
    for (const last4 = last - 3; w < last4; w += 4) {
      words[w] = words[w]! ^ k;
      words[w + 1] = words[w + 1]! ^ k;
      words[w + 2] = words[w + 2]! ^ k;
      words[w + 3] = words[w + 3]! ^ k;
    }
    for (; w < last; w++) words[w] = words[w]! ^ k;
    i = last << 2;
  }
  for (; i < end; i++) {
    const r = (i - start) & 3;
    bytes[i] = bytes[i]! ^ (r === 0 ? k0 : r === 1 ? k1 : r === 2 ? k2 : k3);
  }
}
