/** Bytes a piece of COPY rows is made in: large enough that a month of `1m` is a few dozen pieces. */
const PIECE_BYTES = 256 * 1024;
const DAY = 86_400_000;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;

/**
 * COPY rows written as bytes, straight into buffers of PIECE_BYTES (writer/candle-copy-rows.ts): numbers written
 * digit by digit, fields copied byte for byte from the archive's inflated text (archive/archive-line-reader.ts). A
 * candle costs its line's bytes and no JavaScript string, so a month of them makes no garbage for the collector to
 * trace: the pieces are the only allocation, and they die whole once written.
 */
export class CopyBytes {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private pieces: Buffer[] = [];
  private n = 0;
  private readonly digits = new Uint8Array(24);
  private day = Number.NaN;
  private readonly dayText = Buffer.alloc(11);

  /** `firstBytes`: the size of the first buffer, when fewer lines than a piece's are expected. */
  constructor(private firstBytes = PIECE_BYTES) {}

  get count(): number {
    return this.n;
  }

  /** Room for a line of at most `bytes` bytes. */
  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.seal();
    this.buf = Buffer.allocUnsafe(Math.max(this.firstBytes, bytes));
    this.firstBytes = PIECE_BYTES;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Bytes `from` to `to` of `src`. */
  copy(src: Uint8Array, from: number, to: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) buf[p++] = src[i]!;
    this.pos = p;
  }

  /**
   * A short ASCII field (a decimal string), a character at a time: for the dozen characters of a field this is many
   * times cheaper than Buffer's write, whose call costs more than the copy.
   */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Latin-1 text (a line made the general way). */
  text(s: string): void {
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** The integer `v` (|v| < 2^53) as a decimal of `scale` decimals, as PostgreSQL writes a numeric of that scale. */
  scaled(v: number, scale: number): void {
    if (v < 0) {
      this.byte(MINUS);
      v = -v;
    }
    // Digits in int32 arithmetic (a double's % and / by 10 are many times slower): the low eight, then the rest,
    // below 2^53 / 10^8 < 2^31.
    const d = this.digits;
    let n = 0;
    let hi = Math.floor(v / 1e8);
    let lo = v - hi * 1e8;
    if (lo < 0) {
      hi--;
      lo += 1e8;
    } else if (lo >= 1e8) {
      hi++;
      lo -= 1e8;
    }
    let low = lo | 0;
    let high = hi | 0;
    if (high === 0) {
      do {
        const q = (low / 10) | 0;
        d[n++] = low - q * 10;
        low = q;
      } while (low > 0);
    } else {
      for (let k = 0; k < 8; k++) {
        const q = (low / 10) | 0;
        d[n++] = low - q * 10;
        low = q;
      }
      do {
        const q = (high / 10) | 0;
        d[n++] = high - q * 10;
        high = q;
      } while (high > 0);
    }
    while (n <= scale) d[n++] = 0;
    const buf = this.buf;
    let p = this.pos;
    for (let k = n - 1; k >= 0; k--) {
      if (k === scale - 1) buf[p++] = DOT;
      buf[p++] = ZERO + d[k]!;
    }
    this.pos = p;
  }

  /**
   * An epoch-ms time as ISO 8601 UTC text ("2024-01-01T00:01:00Z", ".250" before the Z when it has milliseconds):
   * the same instant for a timestamptz column whatever the session's time zone or date style. Times come in order,
   * so the day's part is kept from the one before.
   */
  time(t: number): void {
    let rem = t - this.day;
    if (!(rem >= 0 && rem < DAY)) {
      this.day = t - (((t % DAY) + DAY) % DAY);
      this.dayText.write(new Date(this.day).toISOString().slice(0, 11), 0, 'latin1');
      rem = t - this.day;
    }
    this.copy(this.dayText, 0, 11);
    const ms = rem % 1000;
    const s = (rem - ms) / 1000;
    this.two(Math.floor(s / 3600));
    this.byte(58); // ':'
    this.two(Math.floor(s / 60) % 60);
    this.byte(58);
    this.two(s % 60);
    if (ms !== 0) {
      this.byte(DOT);
      this.byte(ZERO + Math.floor(ms / 100));
      this.two(ms % 100);
    }
    this.byte(90); // 'Z'
  }

  private two(v: number): void {
    this.byte(ZERO + Math.floor(v / 10));
    this.byte(ZERO + (v % 10));
  }

  /** Ends the line written since the last. */
  endLine(): void {
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
