import type { CopyPiece } from '../db/copy-in.js';
import { binaryTimeAt } from './copy-bytes.js';

/**
 * The direct rows (writer/candle-copy-rows.ts) but those whose open time is in `stored`, with how many are left:
 * for a page to be copied straight into candle_data when some of its candles are stored already (a write retried
 * after a commit that was not acknowledged, a file read again over what REST stored). Each row is COPY's binary
 * row as writer/copy-bytes.ts wrote it, whole within its piece, its first field the open time; the rows kept are
 * slices of the pieces, not copies.
 */
export function withoutStored(pieces: readonly CopyPiece[], stored: ReadonlySet<number>): { pieces: Uint8Array[]; count: number } {
  const kept: Uint8Array[] = [];
  let count = 0;
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    // A run of kept rows is one slice.
    let runStart = -1;
    let start = 0;
    while (start < bytes.length) {
      const fields = bytes.readInt16BE(start);
      // The open time: the first field, after the field count and its length.
      const openTime = binaryTimeAt(bytes, start + 6);
      let end = start + 2;
      for (let f = 0; f < fields; f++) end += 4 + bytes.readInt32BE(end);
      if (stored.has(openTime)) {
        if (runStart !== -1) kept.push(bytes.subarray(runStart, start));
        runStart = -1;
      } else {
        if (runStart === -1) runStart = start;
        count++;
      }
      start = end;
    }
    if (runStart !== -1) kept.push(bytes.subarray(runStart, bytes.length));
  }
  return { pieces: kept, count };
}
