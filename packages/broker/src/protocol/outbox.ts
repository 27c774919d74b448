/**
 * Output collected for one connection during one event-loop turn, written to its transport in
 * one go when the turn ends.
 *
 * Frames are encoded straight into a block shared by all connections, back to back, so a burst
 * of deliveries costs neither an allocation per frame nor a stream write per frame: consecutive
 * frames of one connection form one contiguous region of the block, handed to the transport as
 * a single chunk. A block is never written again once handed out (the socket may still be
 * sending from it); a fresh one replaces it when full, and the old one is freed once no pending
 * write refers to it. Idle connections hold no buffer at all.
 * @packageDocumentation
 */

/**
 * Size of a shared block. Small enough that a block kept alive by one stalled connection's few
 * unsent bytes is no great loss, large enough to hold a burst of small frames.
 */
const BLOCK_SIZE = 64 * 1024;
/** Frames larger than this get a buffer of their own rather than a big slice of a block. */
const LARGEST_IN_BLOCK = 16 * 1024;
/** Chunks up to this size are copied into the block by {@link Outbox.append}; larger ones are written as they are. */
const COPY_LIMIT = 4 * 1024;

// Node-only, like the rest of the broker: uninitialised memory, since every byte reserved is written.
let block: Uint8Array = Buffer.allocUnsafeSlow(BLOCK_SIZE);
let blockUsed = 0;
// What an outbox points at between turns, so that it never keeps a retired block alive.
const NOTHING = new Uint8Array(0);

/** See the module comment. */
export class Outbox {
  private chunks: Uint8Array[] = [];
  /** The region of the shared block this connection is still appending to: [regionStart, regionEnd). */
  private regionBlock: Uint8Array | undefined = undefined;
  private regionStart = 0;
  private regionEnd = 0;
  /** Bytes collected since the last {@link Outbox.take}. */
  bytes = 0;
  /** Where the bytes reserved by the last {@link Outbox.reserve} are to be written. */
  target: Uint8Array = NOTHING;

  /**
   * Reserves `size` bytes and returns their offset in {@link Outbox.target}; the caller must
   * write all of them before anything else uses any outbox.
   */
  reserve(size: number): number {
    this.bytes += size;
    if (size > LARGEST_IN_BLOCK) {
      this.closeRegion();
      const own = new Uint8Array(size);
      this.chunks.push(own);
      this.target = own;
      return 0;
    }
    if (blockUsed + size > block.length) {
      block = Buffer.allocUnsafeSlow(BLOCK_SIZE);
      blockUsed = 0;
    }
    if (this.regionBlock !== block || this.regionEnd !== blockUsed) {
      this.closeRegion();
      this.regionBlock = block;
      this.regionStart = blockUsed;
    }
    const at = blockUsed;
    blockUsed += size;
    this.regionEnd = blockUsed;
    this.target = block;
    return at;
  }

  /** Gives back the last `unused` bytes of the latest {@link Outbox.reserve}, which the caller left unwritten. */
  shrink(unused: number): void {
    if (unused === 0) return;
    this.bytes -= unused;
    if (this.target === block && this.regionBlock === block) {
      blockUsed -= unused;
      this.regionEnd -= unused;
      return;
    }
    // The reservation was a buffer of its own: the last chunk.
    const last = this.chunks.length - 1;
    const chunk = this.chunks[last]!;
    if (chunk.length === unused) this.chunks.pop();
    else this.chunks[last] = chunk.subarray(0, chunk.length - unused);
  }

  /** Adds bytes already encoded: small ones are copied in, large ones (message bodies) are referenced, never copied. */
  append(chunk: Uint8Array): void {
    if (chunk.length <= COPY_LIMIT) {
      const at = this.reserve(chunk.length);
      this.target.set(chunk, at);
      return;
    }
    this.closeRegion();
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  /** Everything collected, in order, as few chunks as possible; the outbox is empty afterwards. */
  take(): Uint8Array[] {
    this.closeRegion();
    const chunks = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    this.target = NOTHING;
    return chunks.length > 1 ? mergeSmall(chunks) : chunks;
  }

  /** Drops everything collected (the connection is gone). */
  clear(): void {
    this.regionBlock = undefined;
    this.chunks = [];
    this.bytes = 0;
    this.target = NOTHING;
  }

  private closeRegion(): void {
    if (this.regionBlock === undefined) return;
    if (this.regionEnd > this.regionStart) this.chunks.push(this.regionBlock.subarray(this.regionStart, this.regionEnd));
    this.regionBlock = undefined;
  }
}

/**
 * Copies each run of small chunks into one buffer. Frames of a connection that shares its turn
 * with others (a queue's consumers served round robin, a topic's subscribers) lie apart in the
 * blocks; a copy of a few KiB is cheaper than a stream write per frame. Large chunks (message
 * bodies, big frames) stay as they are.
 */
function mergeSmall(chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < chunks.length) {
    let j = i;
    let size = 0;
    while (j < chunks.length && chunks[j]!.length <= LARGEST_IN_BLOCK) size += chunks[j++]!.length;
    if (j - i >= 2) {
      const merged = Buffer.allocUnsafe(size);
      let at = 0;
      for (let k = i; k < j; k++) {
        merged.set(chunks[k]!, at);
        at += chunks[k]!.length;
      }
      out.push(merged);
    } else if (j > i) {
      out.push(chunks[i]!);
    }
    if (j < chunks.length) out.push(chunks[j++]!);
    i = j;
  }
  return out;
}
