import type { CopyPiece } from '../db/copy-in.js';

const NEWLINE = 10;
const COMMA = 44;

/**
 * The direct rows (writer/candle-copy-rows.ts) but those whose open time is in `stored`, with how many are left:
 * for a page to be copied straight into candle_data when some of its candles are stored already (a write retried
 * after a commit that was not acknowledged, a file read again over what REST stored). Each line starts with its open
 * time as the ISO text writer/copy-bytes.ts wrote; the lines kept are slices of the pieces, not copies.
 */
export function withoutStored(pieces: readonly CopyPiece[], stored: ReadonlySet<number>): { pieces: Uint8Array[]; count: number } {
  const kept: Uint8Array[] = [];
  let count = 0;
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    // A run of kept lines is one slice.
    let runStart = -1;
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(NEWLINE, start);
      if (end === -1) end = bytes.length - 1;
      const comma = bytes.indexOf(COMMA, start);
      const openTime = Date.parse(bytes.toString('latin1', start, comma));
      if (stored.has(openTime)) {
        if (runStart !== -1) kept.push(bytes.subarray(runStart, start));
        runStart = -1;
      } else {
        if (runStart === -1) runStart = start;
        count++;
      }
      start = end + 1;
    }
    if (runStart !== -1) kept.push(bytes.subarray(runStart, bytes.length));
  }
  return { pieces: kept, count };
}
