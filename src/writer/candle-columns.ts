import type { Candle } from '../domain.js';

/**
 * A page of candles as the writer sends them: one comma-joined text per column (decimal strings and integers
 * never contain commas), split again by the server. Built as soon as a page is checked, so that a page waiting
 * for its turn to be written holds a dozen flat strings rather than a thousand objects: pages then die young in
 * the garbage collector instead of being promoted and piling up in the old generation.
 */
export type CandleColumns = { readonly [K in keyof Candle]: string } & { readonly count: number };

export function candleColumns(candles: readonly Candle[]): CandleColumns {
  const col = (pick: (c: Candle) => string | number): string => candles.map(pick).join(',');
  return {
    count: candles.length,
    openTime: col((c) => c.openTime),
    closeTime: col((c) => c.closeTime),
    trades: col((c) => c.trades),
    open: col((c) => c.open),
    high: col((c) => c.high),
    low: col((c) => c.low),
    close: col((c) => c.close),
    volume: col((c) => c.volume),
    quoteVolume: col((c) => c.quoteVolume),
    takerBuyBaseVolume: col((c) => c.takerBuyBaseVolume),
    takerBuyQuoteVolume: col((c) => c.takerBuyQuoteVolume),
  };
}


/** Rows per piece of a column under construction: short enough that a piece's row texts die young. */
const PIECE_ROWS = 2048;

/**
 * Columns built one candle at a time, for a source that reads a large page row by row (a month of the archive):
 * the page's candles never exist as objects all at once. Every few thousand rows, each column's field texts are
 * joined into one flat piece: the fields (slices of the inflated text, which they would keep alive) then die in the
 * young generation, and only the pieces outlive a collection, so a month's page costs its columns' size in the old
 * generation and no more.
 */
export class CandleColumnsBuilder {
  private readonly rows: string[][] = Array.from({ length: 11 }, () => []);
  private readonly pieces: string[][] = Array.from({ length: 11 }, () => []);
  private n = 0;
  private inPiece = 0;

  push(c: Candle): void {
    const r = this.rows;
    r[0]!.push(String(c.openTime));
    r[1]!.push(String(c.closeTime));
    r[2]!.push(String(c.trades));
    r[3]!.push(c.open);
    r[4]!.push(c.high);
    r[5]!.push(c.low);
    r[6]!.push(c.close);
    r[7]!.push(c.volume);
    r[8]!.push(c.quoteVolume);
    r[9]!.push(c.takerBuyBaseVolume);
    r[10]!.push(c.takerBuyQuoteVolume);
    this.n++;
    if (++this.inPiece === PIECE_ROWS) this.seal();
  }

  get count(): number {
    return this.n;
  }

  private seal(): void {
    if (this.inPiece === 0) return;
    for (let k = 0; k < 11; k++) {
      this.pieces[k]!.push(this.rows[k]!.join(','));
      this.rows[k] = [];
    }
    this.inPiece = 0;
  }

  /** The columns so far, and a fresh start. */
  take(): CandleColumns {
    this.seal();
    const joined = this.pieces.map((p) => p.join(','));
    for (let k = 0; k < 11; k++) this.pieces[k] = [];
    const count = this.n;
    this.n = 0;
    const [openTime, closeTime, trades, open, high, low, close, volume, quoteVolume, takerBuyBaseVolume, takerBuyQuoteVolume] = joined as [string, string, string, string, string, string, string, string, string, string, string];
    return { count, openTime, closeTime, trades, open, high, low, close, volume, quoteVolume, takerBuyBaseVolume, takerBuyQuoteVolume };
  }
}
