import type { Candle } from '../domain.js';

/**
 * A large page's candles as the rows of a `COPY … FROM STDIN` in text format (writer/write-bulk-page.ts): one line
 * a candle, its fields tab-separated in COPY_COLUMNS' order, times in epoch milliseconds. The fields are decimal
 * strings and integers the source checked (archive/parse-archive-row.ts), so none holds a tab, a newline or a
 * backslash and nothing needs escaping; numeric parses them exactly, scale included.
 */
export interface CandleCopyRows {
  readonly format: 'copy';
  readonly count: number;
  /** The rows' text, a few thousand rows a piece. */
  readonly pieces: readonly string[];
}

/** The staging table's columns the rows fill, in their order. */
export const COPY_COLUMNS = ['o', 'c', 'n', 'op', 'hi', 'lo', 'cl', 'v', 'qv', 'tb', 'tq'] as const;

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

  push(c: Candle): void {
    this.lines.push(
      `${c.openTime}\t${c.closeTime}\t${c.trades}\t${c.open}\t${c.high}\t${c.low}\t${c.close}\t${c.volume}\t${c.quoteVolume}\t${c.takerBuyBaseVolume}\t${c.takerBuyQuoteVolume}\n`,
    );
    this.n++;
    if (this.lines.length === PIECE_ROWS) this.seal();
  }

  get count(): number {
    return this.n;
  }

  private seal(): void {
    if (this.lines.length === 0) return;
    this.pieces.push(this.lines.join(''));
    this.lines = [];
  }

  /** The rows so far, and a fresh start. */
  take(): CandleCopyRows {
    this.seal();
    const rows: CandleCopyRows = { format: 'copy', count: this.n, pieces: this.pieces };
    this.pieces = [];
    this.n = 0;
    return rows;
  }
}

export const isCopyRows = (candles: { readonly count: number } & Partial<Pick<CandleCopyRows, 'format'>>): candles is CandleCopyRows => candles.format === 'copy';
