// The direct COPY rows (src/writer/copy-bytes.ts: PostgreSQL's binary format) read back as text lines, the way
// PostgreSQL would print each field: the open time as ISO 8601 UTC ("2024-01-01T00:00:00Z", ".250" before the Z
// when it has milliseconds), a numeric with its display scale, an int4 in decimal; fields joined by commas. A
// decoder of its own, written from the format's definition, so the tests check the encoder against it value by value.
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

function numericText(b: Buffer, at: number, len: number): string {
  const ndigits = b.readInt16BE(at);
  const weight = b.readInt16BE(at + 2);
  const sign = b.readUInt16BE(at + 4);
  const dscale = b.readInt16BE(at + 6);
  if (len !== 8 + 2 * ndigits) throw new Error(`a numeric of ${ndigits} digits in ${len} bytes`);
  const digit = (w: number): number => {
    const i = weight - w;
    return i >= 0 && i < ndigits ? b.readUInt16BE(at + 8 + 2 * i) : 0;
  };
  let int = '';
  for (let w = weight; w >= 0; w--) int += w === weight ? String(digit(w)) : String(digit(w)).padStart(4, '0');
  if (int === '') int = '0';
  let frac = '';
  for (let w = -1; frac.length < dscale; w--) frac += String(digit(w)).padStart(4, '0');
  const text = dscale > 0 ? `${int}.${frac.slice(0, dscale)}` : int;
  return sign === 0x4000 ? `-${text}` : text;
}

function timeText(b: Buffer, at: number): string {
  const ms = Number(b.readBigInt64BE(at) / 1000n) + PG_EPOCH_MS;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Each row of `pieces` as a line; field 0 is a timestamptz, `integers` the indexes of the int4 fields, the rest numerics. */
export function directRowsText(pieces: readonly (string | Uint8Array)[], integers: readonly number[] = [7, 10]): string[] {
  const lines: string[] = [];
  for (const piece of pieces) {
    const b = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let p = 0;
    while (p < b.length) {
      const fields = b.readInt16BE(p);
      p += 2;
      const out: string[] = [];
      for (let f = 0; f < fields; f++) {
        const len = b.readInt32BE(p);
        p += 4;
        if (f === 0) out.push(timeText(b, p));
        else if (integers.includes(f)) out.push(String(b.readInt32BE(p)));
        else out.push(numericText(b, p, len));
        p += len;
      }
      lines.push(out.join(','));
    }
  }
  return lines;
}
