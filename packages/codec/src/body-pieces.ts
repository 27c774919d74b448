/**
 * Frame bodies kept as the chunks they arrived in.
 * @packageDocumentation
 */

/**
 * A frame body held as the pieces of the received chunks it spans, in order, rather than joined
 * into one buffer. A broker relays a large body by writing these pieces out as they are (one
 * `writev`), so a 1 MiB body read from sixteen socket chunks is never copied in user space.
 *
 * Pieces are views on received chunks. Each view keeps its whole underlying buffer alive, so
 * {@link PiecewiseFrameParser} copies a piece that uses less than half of its buffer (the edges
 * of a body that shares chunks with its neighbours): what a body pins is then at most twice its
 * size.
 */
export class BodyPieces {
  /**
   * @param pieces - the body's bytes, in order; at least two.
   * @param byteLength - their total length.
   */
  constructor(
    readonly pieces: readonly Uint8Array[],
    readonly byteLength: number,
  ) {}

  /** The body in one buffer: a copy, for code that needs contiguous bytes. */
  join(): Uint8Array {
    return joinPieces(this.pieces, this.byteLength);
  }
}

/** A frame body: one buffer, or the pieces it arrived in (from {@link PiecewiseFrameParser} only). */
export type FrameBody = Uint8Array | BodyPieces;

/** The body's bytes in one buffer; a copy only when it is held in pieces. */
export function bodyBytes(body: FrameBody): Uint8Array {
  return body instanceof Uint8Array ? body : body.join();
}

/** Copies `pieces` (of `total` bytes) into one new buffer. */
export function joinPieces(pieces: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.byteLength;
  }
  return out;
}

/**
 * The pieces of a body worth keeping apart: each run of pieces that use less than half of their
 * underlying buffer is copied into one buffer of its own, so that no small view pins a large
 * chunk; the others stay views. One buffer when that is all that remains.
 */
export function keepPieces(pieces: readonly Uint8Array[], total: number): FrameBody {
  const kept: Uint8Array[] = [];
  let runStart = -1;
  let runBytes = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.byteLength === 0) continue;
    if (piece.byteLength * 2 < piece.buffer.byteLength) {
      if (runStart < 0) runStart = i;
      runBytes += piece.byteLength;
      continue;
    }
    if (runStart >= 0) {
      kept.push(joinPieces(pieces.slice(runStart, i), runBytes));
      runStart = -1;
      runBytes = 0;
    }
    kept.push(piece);
  }
  if (runStart >= 0) kept.push(joinPieces(pieces.slice(runStart), runBytes));
  return kept.length === 1 ? kept[0]! : new BodyPieces(kept, total);
}
