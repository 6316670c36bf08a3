/** Bytes a piece of COPY rows is made in: large enough that a month of `1m` is a few dozen pieces. */
const PIECE_BYTES = 256 * 1024;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;
/** 2000-01-01T00:00:00Z in epoch ms: PostgreSQL's epoch, from which a binary timestamptz counts microseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
/** A numeric's sign word when negative. */
const NUMERIC_NEG = 0x4000;
/** 10^0 to 10^3. */
const POW10_4 = [1, 10, 100, 1000] as const;

/** The epoch-ms time of the timestamptz field whose value (after its length) starts at byte `at` of `bytes`. */
export const binaryTimeAt = (bytes: Buffer, at: number): number => (bytes.readInt32BE(at) * TWO_32 + bytes.readUInt32BE(at + 4)) / 1000 + PG_EPOCH_MS;

/** Bytes a numeric field takes at most for a decimal of `chars` characters (its length, header, and groups). */
export const numericBytes = (chars: number): number => 16 + (chars >> 1);

/**
 * COPY rows in PostgreSQL's binary format, written byte by byte straight into buffers of PIECE_BYTES
 * (writer/candle-copy-rows.ts): each row its field count, then each field's length and value. A numeric is sent as
 * the server keeps it — base-10000 digits, their weight, the sign and the display scale — read from the decimal's
 * own ASCII digits, so the value and its scale are exactly the text's; a time is microseconds since 2000, an integer
 * four bytes. The server then parses nothing: it takes a row in about two thirds of the CPU the text format costs
 * it (3.5 → 2.35 s a million candle_data rows on one connection), which is what binds a bulk load on a small machine.
 *
 * A candle costs its row's bytes and no JavaScript string, so a month of them makes no garbage for the collector to
 * trace: the pieces are the only allocation, and they die whole once written. A row never spans two pieces
 * (writer/without-stored.ts walks them row by row).
 */
export class CopyBytes {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private pieces: Buffer[] = [];
  private n = 0;
  /** A decimal string's bytes (decimalText). */
  private readonly scratch = new Uint8Array(48);
  /** A scaled integer's base-10000 digits, least significant first, before they are written. */
  private readonly groups = new Int32Array(8);

  /** `firstBytes`: the size of the first buffer, when fewer rows than a piece's are expected. */
  constructor(private firstBytes = PIECE_BYTES) {}

  get count(): number {
    return this.n;
  }

  /** Room for a row of at most `bytes` bytes. */
  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.seal();
    this.buf = Buffer.allocUnsafe(Math.max(this.firstBytes, bytes));
    this.firstBytes = PIECE_BYTES;
  }

  /** Starts a row of `fields` fields. */
  beginRow(fields: number): void {
    this.int16(fields);
  }

  /** Bytes `from` to `to` of `src`, as they are (fields another row already holds encoded). */
  copy(src: Uint8Array, from: number, to: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) buf[p++] = src[i]!;
    this.pos = p;
  }

  /** An int4 field. */
  int4(v: number): void {
    this.int32(4);
    this.int32(v);
  }

  /** A timestamptz field: the epoch-ms time `t`, as microseconds since 2000 (exact: |t| is far below 2^53 / 1000). */
  time(t: number): void {
    const us = (t - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / TWO_32);
    this.int32(8);
    this.int32(hi);
    this.int32(us - hi * TWO_32);
  }

  /**
   * A numeric field: the decimal (`-`, digits, at most one dot with a digit each side) in bytes `from` to `to` of
   * `src`; `dot`, when the caller knows it, where its dot is (`to` when it has none). Its base-10000 digits are
   * written as they are read, the leading and trailing zero ones left out, and the header put before them once their
   * number is known.
   */
  decimal(src: Uint8Array, from: number, to: number, dot = -1): void {
    let negative = false;
    if (src[from] === MINUS) {
      negative = true;
      from++;
    }
    if (dot === -1) {
      dot = from;
      while (dot < to && src[dot] !== DOT) dot++;
    }
    const buf = this.buf;
    const start = this.pos;
    let p = start + 12;
    let end = p;
    // The weight of the group being read: the integer part in groups of four counted from the dot, the first one
    // shorter; then the fraction's, the last one padded with zeros.
    let w = ((dot - from + 3) >> 2) - 1;
    let weight = 0;
    let started = false;
    let i = from;
    let len = (dot - from) % 4 || 4;
    let fraction = false;
    if (i === dot) {
      i++;
      fraction = true;
    }
    for (; i < to; w--) {
      let v = 0;
      let k = 0;
      for (; k < len && i < to; k++) v = v * 10 + src[i++]! - ZERO;
      if (fraction) for (; k < 4; k++) v *= 10;
      else if (i === dot) {
        i++;
        fraction = true;
      }
      len = 4;
      if (v !== 0 || started) {
        if (!started) {
          started = true;
          weight = w;
        }
        buf[p++] = v >>> 8;
        buf[p++] = v & 255;
        if (v !== 0) end = p;
      }
    }
    this.pos = start;
    this.numericHeader((end - start - 12) >> 1, weight, negative, dot >= to ? 0 : to - dot - 1);
    this.pos = end;
  }

  /**
   * A numeric field's length and header, for `digits` base-10000 digits that follow (written already or next): a
   * zero (no digit) has weight 0 and no sign, as the server makes it.
   */
  private numericHeader(digits: number, weight: number, negative: boolean, scale: number): void {
    this.int32(8 + 2 * digits);
    this.int16(digits);
    this.int16(digits === 0 ? 0 : weight & 0xffff);
    this.int16(negative && digits > 0 ? NUMERIC_NEG : 0);
    this.int16(scale);
  }

  /** A numeric field from a decimal string (REST's fields, which the client checked are decimals). */
  decimalText(s: string): void {
    if (s.length > this.scratch.length) {
      this.decimal(Buffer.from(s, 'latin1'), 0, s.length);
      return;
    }
    const a = this.scratch;
    for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
    this.decimal(a, 0, s.length);
  }

  /**
   * A numeric field: the integer `v` (|v| < 2^53) as a decimal of `scale` decimals. Its base-10000 digits are the
   * integer's once scaled to a whole number of groups of decimals (`pad` more), reckoned in two exact halves: a
   * double's product would lose digits past 2^53.
   */
  scaled(v: number, scale: number): void {
    const negative = v < 0;
    if (negative) v = -v;
    const fractionGroups = (scale + 3) >> 2;
    const pad = POW10_4[fractionGroups * 4 - scale]!;
    let high = Math.floor(v / 1e8);
    let low = v - high * 1e8;
    if (low < 0) {
      high--;
      low += 1e8;
    }
    high *= pad;
    low *= pad;
    const carry = Math.floor(low / 1e8);
    low = (low - carry * 1e8) | 0;
    high += carry;
    // The groups, least significant first.
    const g = this.groups;
    const q = (low / 10000) | 0;
    g[0] = low - q * 10000;
    g[1] = q;
    let n = 2;
    while (high > 0) {
      const h = Math.floor(high / 10000);
      g[n++] = high - h * 10000;
      high = h;
    }
    while (n > 0 && g[n - 1] === 0) n--;
    let last = 0;
    while (last < n && g[last] === 0) last++;
    this.numericHeader(n - last, n - 1 - fractionGroups, negative, scale);
    for (let k = n - 1; k >= last; k--) this.int16(g[k]!);
  }

  private int16(v: number): void {
    const buf = this.buf;
    buf[this.pos++] = (v >>> 8) & 255;
    buf[this.pos++] = v & 255;
  }

  private int32(v: number): void {
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = (v >>> 24) & 255;
    buf[p++] = (v >>> 16) & 255;
    buf[p++] = (v >>> 8) & 255;
    buf[p++] = v & 255;
    this.pos = p;
  }

  /** Ends the row written since the last. */
  endRow(): void {
    this.n++;
  }

  private seal(): void {
    if (this.pos === 0) return;
    this.pieces.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.alloc(0);
    this.pos = 0;
  }

  /** The rows so far, and a fresh start. */
  take(): { count: number; pieces: Buffer[] } {
    this.seal();
    const taken = { count: this.n, pieces: this.pieces };
    this.pieces = [];
    this.n = 0;
    return taken;
  }
}
