import type { Candle } from '../domain.js';
import { addSlots, alignDown } from '../planner/intervals.js';

/**
 * A large page's candles as the rows of a `COPY … FROM STDIN` in CSV format (writer/stage-copy-rows.ts): one line a
 * candle, its fields in COPY_COLUMNS' order — the archive's own, so that an archive row checked as it is can be
 * copied as it is — times in epoch milliseconds. The fields are decimal strings and integers the source checked
 * (archive/parse-archive-row.ts, archive/archive-line-reader.ts), so none holds a comma, a quote or a newline and
 * nothing needs quoting; numeric parses them exactly, scale included.
 */
export interface CandleCopyRows {
  readonly format: 'copy';
  readonly count: number;
  /** The rows' text, a few thousand rows a piece. */
  readonly pieces: readonly string[];
  /** The first and last open time (null: no row). */
  readonly span: { readonly first: number; readonly last: number } | null;
  /**
   * Whether some row may not fit candle_data's compact row (writer/write-page.ts `odd`): false only when every row
   * was seen to fit (regularRow), so the statement may leave irregular_candles out of its inserts.
   */
  readonly mayBeIrregular: boolean;
}

const INT4_MAX = 2_147_483_647;
const scale = (d: string): number => {
  const dot = d.indexOf('.');
  return dot === -1 ? 0 : d.length - dot - 1;
};

/**
 * True when a candle surely fits candle_data's compact row: its open time on the interval's grid (where this
 * calendar arithmetic and the database's candle_nominal_close agree), its close time the nominal one, its trade
 * count an integer, and high, low and close with no fewer decimals than open. False when in any doubt: the
 * statement then decides, as for every REST page.
 */
export function regularRow(interval: string, openTime: number, closeTime: number, trades: string, open: string, high: string, low: string, close: string): boolean {
  if (alignDown(interval, openTime) !== openTime || closeTime !== addSlots(interval, openTime, 1) - 1) return false;
  if (trades.length > 10 || Number(trades) > INT4_MAX) return false;
  const s = scale(open);
  return scale(high) >= s && scale(low) >= s && scale(close) >= s;
}

/** The staging table's columns the rows fill, in their order: the archive's 12 (open time, the prices, volume, close time, …, `ignore`). */
export const COPY_COLUMNS = ['o', 'op', 'hi', 'lo', 'cl', 'v', 'c', 'qv', 'n', 'tb', 'tq', 'ig'] as const;

/** Rows per piece: short enough that a piece's row texts die young. */
const PIECE_ROWS = 2048;

/**
 * COPY rows built one candle at a time, for a source that reads a large page row by row (a month of the archive):
 * the page's candles never exist as objects all at once. Every few thousand rows the lines are joined into one flat
 * piece: the fields (slices of the inflated text, which they would keep alive) then die in the young generation,
 * and only the pieces outlive a collection, so a page costs its text's size in the old generation and no more.
 */
export class CandleCopyRowsBuilder {
  private lines: string[] = [];
  private pieces: string[] = [];
  private n = 0;
  private first: number | null = null;
  private last = 0;
  private irregular = false;

  /** A candle, in open-time order; `regular`: it surely fits the compact row (regularRow). */
  push(c: Candle, regular = false): void {
    this.pushLine(`${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume},${c.closeTime},${c.quoteVolume},${c.trades},${c.takerBuyBaseVolume},${c.takerBuyQuoteVolume},`, c.openTime, regular);
  }

  /** A row already in the copy's form (archive/archive-line-reader.ts), without its newline, in open-time order. */
  pushLine(line: string, openTime: number, regular: boolean): void {
    this.lines.push(line);
    this.n++;
    this.first ??= openTime;
    this.last = openTime;
    if (!regular) this.irregular = true;
    if (this.lines.length === PIECE_ROWS) this.seal();
  }

  get count(): number {
    return this.n;
  }

  private seal(): void {
    if (this.lines.length === 0) return;
    this.pieces.push(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  /** The rows so far, and a fresh start. */
  take(): CandleCopyRows {
    this.seal();
    const rows: CandleCopyRows = { format: 'copy', count: this.n, pieces: this.pieces, span: this.first === null ? null : { first: this.first, last: this.last }, mayBeIrregular: this.irregular };
    this.pieces = [];
    this.n = 0;
    this.first = null;
    this.irregular = false;
    return rows;
  }
}

export const isCopyRows = (candles: { readonly count: number } & Partial<Pick<CandleCopyRows, 'format'>>): candles is CandleCopyRows => candles.format === 'copy';
