import { compareDecimal } from '../planner/compare-decimal.js';
import { regularRow } from '../writer/candle-copy-rows.js';

const DEC = '(\\d+(?:\\.\\d+)?)';
/**
 * The common form of an archive row, in one match: open time in ms or whole µs, seven decimals, close time in ms or
 * µs, a whole trade count, and an `ignore` field of digits. Everything it accepts parseArchiveRow accepts with the
 * same values; whatever it does not (another `ignore`, an odd time) goes to parseArchiveRow, which decides.
 */
const LINE = new RegExp(`^(\\d{1,13}|\\d{13}000),${DEC},${DEC},${DEC},${DEC},${DEC},(\\d{1,13}|\\d{16}),${DEC},(\\d+),${DEC},${DEC},([0-9.]*)$`);

const ms = (t: string): number => Number(t.length > 13 ? t.slice(0, 13) : t);

/**
 * Reads an archive row on the archive path's fast path (sources/archive-candle-source.ts): no candle object, and the
 * row's own text as the COPY line (writer/candle-copy-rows.ts) when its times are in ms; from 2025 on they are µs
 * and only the two times are written anew. One reader is reused for every row of a file.
 */
export class ArchiveLineReader {
  openTime = 0;
  closeTime = 0;
  /** The row as a line of the staging table's CSV (times in ms). */
  csv = '';
  private m: RegExpExecArray | null = null;

  /** True when the row has the common form; false: parseArchiveRow must read it (and may reject it). */
  read(line: string): boolean {
    const m = LINE.exec(line);
    this.m = m;
    if (m === null) return false;
    const [, o, op, hi, lo, cl, v, c, qv, n, tb, tq, ig] = m as unknown as string[];
    this.openTime = ms(o!);
    this.closeTime = ms(c!);
    this.csv = o!.length > 13 || c!.length > 13 ? `${this.openTime},${op},${hi},${lo},${cl},${v},${this.closeTime},${qv},${n},${tb},${tq},${ig}` : line;
    return true;
  }

  /** Whether the row just read surely fits candle_data's compact row (writer/candle-copy-rows.ts regularRow). */
  regular(interval: string): boolean {
    const m = this.m;
    return m !== null && regularRow(interval, this.openTime, this.closeTime, m[9]!, m[2]!, m[3]!, m[4]!, m[5]!);
  }

  /**
   * Whether checkCandleValues would find nothing wrong with the row just read: its price range, and a close after
   * its open (its volumes and trade count cannot be negative in this form). False: it must look itself.
   */
  clean(): boolean {
    const m = this.m;
    if (m === null) return false;
    const [open, high, low, close] = [m[2]!, m[3]!, m[4]!, m[5]!];
    const lo = compareDecimal(open, close) <= 0 ? open : close;
    const hi = lo === open ? close : open;
    if (compareDecimal(low, lo) > 0 || compareDecimal(hi, high) > 0 || compareDecimal(low, high) > 0) return false;
    return this.closeTime > this.openTime;
  }
}
