import { DIRECT_ROW_BYTES, fitsCompactRow, type CandleCopyRowsBuilder } from '../writer/candle-copy-rows.js';
import { numericBytes } from '../writer/copy-bytes.js';
import { EXACT_DIGITS, exactAtCommonScale, POW10 } from '../writer/exact-prices.js';

const COMMA = 44;
const DOT = 46;
const ZERO = 48;
/** Fields that may hold a dot: the decimals and `ignore`, not the times and the trade count. */
const DOT_ALLOWED = Uint8Array.from([0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1]);

/**
 * Reads an archive row on the archive path's fast path (sources/archive-candle-source.ts) in one scan of its bytes
 * in the inflated file: no string, no candle object, no regular expression. The common form is an open time in ms or
 * whole µs, seven decimals, a close time in ms or µs, a whole trade count and an `ignore` field of digits and dots;
 * its four prices each of at most 15 digits (every Binance price), so that they are read as exact integers of their
 * scale and compared, and their differences from open computed, in doubles. Everything it accepts parseArchiveRow
 * accepts with the same values, and what it does not (another `ignore`, an odd time, a longer number) goes to
 * parseArchiveRow, which decides.
 *
 * A row that fits candle_data's compact row becomes its row in candle_data's form (writer/candle-copy-rows.ts
 * DIRECT_COLUMNS), in COPY's binary format (writer/copy-bytes.ts): the time in microseconds, the differences and
 * the other decimals as numerics read from their digits, the trade count an integer. Another becomes the staging
 * table's line, the row's own text when its times are in ms. One reader is reused for every row of a file.
 */
export class ArchiveLineReader {
  openTime = 0;
  closeTime = 0;
  private buf: Buffer = Buffer.alloc(0);
  private ok = false;
  /** Where each of the 12 fields starts, and (the last one) where the line ends plus one. */
  private readonly starts = new Int32Array(13);
  /** Open, high, low, close as integers of their own scale, and the scales. */
  private readonly value = new Float64Array(4);
  private readonly scale = new Int32Array(4);
  private readonly digits = new Int32Array(4);
  /** Where each field's dot is (its end when it has none). */
  private readonly dots = new Int32Array(12);
  private trades = 0;

  /**
   * Reads the row in bytes `start` to `end` of `buf` (no newline). True when it has the common form; false:
   * parseArchiveRow must read it (and may reject it).
   */
  read(buf: Buffer, start: number, end: number): boolean {
    this.buf = buf;
    this.ok = this.scan(buf, start, end);
    return this.ok;
  }

  /** The row just read as text, for the general reader. */
  text(): string {
    return this.buf.toString('latin1', this.starts[0], this.starts[12]! - 1);
  }

  private scan(line: Buffer, start: number, n: number): boolean {
    const starts = this.starts;
    let i = start;
    starts[12] = n + 1;
    for (let f = 0; f < 12; f++) {
      starts[f] = i;
      const dotAllowed = DOT_ALLOWED[f] === 1;
      // Past 16 digits `v` is no longer exact, but no field whose value is used may have that many.
      let v = 0;
      let digits = 0;
      let dot = -1;
      for (; i < n; i++) {
        const d = line[i]! - ZERO;
        if (d >= 0 && d <= 9) {
          v = v * 10 + d;
          digits++;
        } else if (d === COMMA - ZERO) break;
        else if (d === DOT - ZERO && dot === -1 && dotAllowed) dot = digits;
        else return false;
      }
      const end = i;
      this.dots[f] = dot === -1 ? end : starts[f]! + dot;
      if (f < 11) {
        if (i === n) return false; // a field short
        i++; // the comma
      }
      const len = end - starts[f]!;
      if (f === 11) {
        if (i !== n) return false;
        continue;
      }
      // A decimal: digits, and a dot only between two of them.
      if (digits === 0 || (dot !== -1 && (dot === 0 || dot === digits))) return false;
      if ((f === 0 || f === 6) && v > Number.MAX_SAFE_INTEGER) return false;
      if (f === 0) {
        if (len <= 13) this.openTime = v;
        else if (len === 16 && v % 1000 === 0) this.openTime = v / 1000;
        else return false;
      } else if (f === 6) {
        if (len <= 13) this.closeTime = v;
        else if (len === 16) this.closeTime = (v - (v % 1000)) / 1000;
        else return false;
      } else if (f <= 4) {
        if (digits > EXACT_DIGITS) return false;
        this.value[f - 1] = v;
        this.digits[f - 1] = digits;
        this.scale[f - 1] = dot === -1 ? 0 : digits - dot;
      } else if (f === 8) {
        this.trades = digits > 10 ? Number.POSITIVE_INFINITY : v;
      }
    }
    // The four prices scaled to their largest scale must stay exact integers to be compared.
    return exactAtCommonScale(this.digits, this.scale);
  }

  private maxScale(): number {
    const sc = this.scale;
    return Math.max(sc[0]!, sc[1]!, sc[2]!, sc[3]!);
  }

  /** Price k (0 open, 1 high, 2 low, 3 close) as an integer of `scale` decimals (≥ its own). */
  private scaled(k: number, scale: number): number {
    return this.value[k]! * POW10[scale - this.scale[k]!]!;
  }

  private field(f: number): string {
    return this.buf.toString('latin1', this.starts[f], this.starts[f + 1]! - 1);
  }

  /**
   * Whether checkCandleValues would find nothing wrong with the row just read: its price range, and a close after
   * its open (its volumes and trade count cannot be negative in this form). False: it must look itself.
   */
  clean(): boolean {
    if (!this.ok) return false;
    const s = this.maxScale();
    const open = this.scaled(0, s);
    const high = this.scaled(1, s);
    const low = this.scaled(2, s);
    const close = this.scaled(3, s);
    const lo = open <= close ? open : close;
    const hi = open <= close ? close : open;
    if (low > lo || hi > high || low > high) return false;
    return this.closeTime > this.openTime;
  }

  /**
   * Adds the row just read to `copy`: straight for candle_data when it surely fits the compact row
   * (writer/candle-copy-rows.ts fitsCompactRow), else staged.
   */
  copyTo(copy: CandleCopyRowsBuilder, interval: string): void {
    if (!this.ok) return;
    const { openTime, closeTime, scale: sc } = this;
    if (fitsCompactRow(interval, openTime, closeTime, this.trades, sc[0]!, sc[1]!, sc[2]!, sc[3]!)) {
      const { buf, starts: st } = this;
      const out = copy.direct;
      // At most: the field count, time and trade count, each decimal's numeric (its characters, about half as many
      // bytes, and its header) and the series id.
      out.ensure(DIRECT_ROW_BYTES + 3 * numericBytes(2 * EXACT_DIGITS) + numericBytes(st[12]! - st[0]!) * 5 + copy.lineEndBytes);
      // open_time, open, the three differences, volume, then quote volume, trades, taker base, taker quote
      // (DIRECT_COLUMNS).
      copy.beginDirect();
      out.time(openTime);
      const dots = this.dots;
      out.decimal(buf, st[1]!, st[2]! - 1, dots[1]);
      for (let k = 1; k <= 3; k++) out.scaled(this.scaled(k, sc[k]!) - this.scaled(0, sc[k]!), sc[k]!);
      out.decimal(buf, st[5]!, st[6]! - 1, dots[5]);
      out.decimal(buf, st[7]!, st[8]! - 1, dots[7]);
      out.int4(this.trades);
      out.decimal(buf, st[9]!, st[10]! - 1, dots[9]);
      out.decimal(buf, st[10]!, st[11]! - 1, dots[10]);
      copy.endDirect(openTime);
    } else {
      const f = (k: number): string => this.field(k);
      const staged = st16(this.starts, 0) || st16(this.starts, 6)
        ? `${openTime},${f(1)},${f(2)},${f(3)},${f(4)},${f(5)},${closeTime},${f(7)},${f(8)},${f(9)},${f(10)},${f(11)}`
        : this.text();
      copy.pushStaged(staged, openTime);
    }
  }
}

/** Whether field `f` is 16 characters (a time in µs). */
const st16 = (starts: Int32Array, f: number): boolean => starts[f + 1]! - 1 - starts[f]! === 16;
