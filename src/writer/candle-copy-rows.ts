import type { CopyPiece } from '../db/copy-in.js';
import type { Candle } from '../domain.js';
import type { CandleColumns } from './candle-columns.js';
import { addSlots, alignDown } from '../planner/intervals.js';
import { CopyBytes, numericBytes } from './copy-bytes.js';
import { decimalDifference } from './decimal-difference.js';

/**
 * Rows of a `COPY … FROM STDIN`, in pieces: the direct ones in the binary format (writer/copy-bytes.ts), the staged
 * ones as CSV, one line a candle, a few thousand lines a piece (db/copy-in.ts). The staged fields are decimal
 * strings, integers and times the source checked (archive/parse-archive-row.ts, archive/archive-line-reader.ts), so
 * none holds a comma, a quote or a newline and nothing needs quoting; numeric parses them exactly, scale included.
 */
export interface CopyPieces {
  readonly count: number;
  readonly pieces: readonly CopyPiece[];
}

/**
 * A page's candles as COPY rows, in two parts:
 * - `direct`: the candles seen to fit candle_data's compact row (regularRow), already in its form (DIRECT_COLUMNS,
 *   as bytes: writer/copy-bytes.ts), so that they can be copied straight into candle_data with nothing left for the
 *   database to compute (writer/write-copy-rows.ts): nearly every candle of every page;
 * - `staged`: the others, for the statement that decides what each needs (writer/page-statement.ts): an archive
 *   file's in the archive's own form (COPY_COLUMNS), through the staging table (writer/stage-copy-rows.ts); a REST
 *   page's as columns (writer/rest-copy-rows.ts), a few at most, which need no table.
 */
export interface CandleCopyRows {
  readonly format: 'copy';
  /** The series the direct rows name (their last field). */
  readonly seriesId: number;
  readonly count: number;
  readonly direct: CopyPieces;
  readonly staged: CopyPieces | CandleColumns;
  /** The first and last open time of all the rows (null: no row). */
  readonly span: { readonly first: number; readonly last: number } | null;
}

/** Above this, a trade count is kept in irregular_candles (candle_data.trades is an integer). */
export const INT4_MAX = 2_147_483_647;
const scale = (d: string): number => {
  const dot = d.indexOf('.');
  return dot === -1 ? 0 : d.length - dot - 1;
};

/**
 * True when a candle surely fits candle_data's compact row: its open time on the interval's grid (where this
 * calendar arithmetic and the database's candle_nominal_close agree), its close time the nominal one, its trade
 * count an integer, and high, low and close with no fewer decimals than open (so that open plus their difference
 * gives them back with their own scale: sql/000005). False when in any doubt: the statement then decides, as for
 * every REST page.
 */
export function regularRow(interval: string, openTime: number, closeTime: number, trades: string, open: string, high: string, low: string, close: string): boolean {
  return fitsCompactRow(interval, openTime, closeTime, trades.length > 10 ? Number.POSITIVE_INFINITY : Number(trades), scale(open), scale(high), scale(low), scale(close));
}

/** regularRow's test on what a reader already has as numbers: the trade count, and each price's number of decimals. */
export function fitsCompactRow(interval: string, openTime: number, closeTime: number, trades: number, openScale: number, highScale: number, lowScale: number, closeScale: number): boolean {
  if (alignDown(interval, openTime) !== openTime || closeTime !== addSlots(interval, openTime, 1) - 1) return false;
  return trades <= INT4_MAX && highScale >= openScale && lowScale >= openScale && closeScale >= openScale;
}

/** The staging table's columns the staged rows fill, in their order: the archive's 12 (open time, the prices, volume, close time, …, `ignore`). */
export const COPY_COLUMNS = ['o', 'op', 'hi', 'lo', 'cl', 'v', 'c', 'qv', 'n', 'tb', 'tq', 'ig'] as const;

/**
 * candle_data's columns the direct rows fill, in their order: quote volume to taker buy quote volume in the
 * archive's order (archive/archive-line-reader.ts); the series id last.
 */
export const DIRECT_COLUMNS = [
  'open_time', 'open', 'high_minus_open', 'low_minus_open', 'close_minus_open', 'volume',
  'quote_volume', 'trades', 'taker_buy_base_volume', 'taker_buy_quote_volume', 'series_id',
] as const;

/** Bytes a direct row of the common kind takes, about (a 1m candle of BTCUSDT: 170). */
const LINE_ESTIMATE = 200;

/** Bytes of a direct row besides its numerics and series id: the field count, the time, the trade count. */
export const DIRECT_ROW_BYTES = 2 + 12 + 8;

/** Rows per piece: short enough that a piece's row texts die young. */
const PIECE_ROWS = 2048;

/** Lines joined into flat pieces every PIECE_ROWS. */
class Pieces {
  private lines: string[] = [];
  private pieces: string[] = [];
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(line: string): void {
    this.lines.push(line);
    this.n++;
    if (this.lines.length === PIECE_ROWS) this.seal();
  }

  private seal(): void {
    if (this.lines.length === 0) return;
    this.pieces.push(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  take(): CopyPieces {
    this.seal();
    const taken = { count: this.n, pieces: this.pieces };
    this.pieces = [];
    this.n = 0;
    return taken;
  }
}

/**
 * COPY rows built one candle at a time, for a source that reads a large page row by row (a month of the archive):
 * the page's candles never exist as objects all at once. The direct rows are bytes from the start
 * (writer/copy-bytes.ts); the staged ones are joined every few thousand into one flat piece, so that their fields
 * (slices of the text, which they would keep alive) die in the young generation.
 */
export class CandleCopyRowsBuilder {
  /** The direct rows, written as bytes by the builder, the archive's fast reader and writer/rest-copy-rows.ts. */
  readonly direct: CopyBytes;
  private staged = new Pieces();
  private first: number | null = null;
  private last = 0;
  /** The series id's field: every direct row's end. */
  private readonly lineEnd: Buffer;

  /** `expectedRows`, when known and few (a REST page): the bytes to ask for at first, not a whole piece. */
  constructor(private readonly seriesId: number, expectedRows?: number) {
    this.direct = new CopyBytes(expectedRows === undefined ? undefined : expectedRows * LINE_ESTIMATE);
    this.lineEnd = Buffer.alloc(8);
    this.lineEnd.writeInt32BE(4, 0);
    this.lineEnd.writeInt32BE(seriesId, 4);
  }

  /** Starts a direct row: the caller then writes its fields but the last (DIRECT_COLUMNS) into `direct`. */
  beginDirect(): void {
    this.direct.beginRow(DIRECT_COLUMNS.length);
  }

  /** Ends a direct row the caller wrote into `direct` (the series id added here). */
  endDirect(openTime: number): void {
    this.direct.copy(this.lineEnd, 0, this.lineEnd.length);
    this.direct.endRow();
    this.saw(openTime);
  }

  /** Bytes a direct row may take besides what the caller writes: the series id. */
  get lineEndBytes(): number {
    return this.lineEnd.length;
  }

  /** A row in the staging table's form (archive/archive-line-reader.ts), without its newline, in open-time order. */
  pushStaged(line: string, openTime: number): void {
    this.staged.push(line);
    this.saw(openTime);
  }

  /** A candle read the slow way, in open-time order: straight to candle_data if it fits the compact row, else staged. */
  push(c: Candle, interval: string): void {
    const trades = String(c.trades);
    if (regularRow(interval, c.openTime, c.closeTime, trades, c.open, c.high, c.low, c.close)) this.pushDirect(c);
    else this.pushStaged(`${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume},${c.closeTime},${c.quoteVolume},${trades},${c.takerBuyBaseVolume},${c.takerBuyQuoteVolume},`, c.openTime);
  }

  /** A candle regularRow says fits, its prices unsigned, as its direct line, in open-time order. */
  pushDirect(c: Candle): void {
    // The price differences computed exactly here (writer/decimal-difference.ts): the database only stores them.
    const decimals = [c.open, ...[c.high, c.low, c.close].map((p) => decimalDifference(p, c.open)), c.volume, c.quoteVolume];
    const taker = [c.takerBuyBaseVolume, c.takerBuyQuoteVolume];
    const out = this.direct;
    out.ensure(DIRECT_ROW_BYTES + [...decimals, ...taker].reduce((sum, d) => sum + numericBytes(d.length), 0) + this.lineEnd.length);
    this.beginDirect();
    out.time(c.openTime);
    for (const d of decimals) out.decimalText(d);
    out.int4(c.trades);
    for (const d of taker) out.decimalText(d);
    this.endDirect(c.openTime);
  }

  get count(): number {
    return this.direct.count + this.staged.count;
  }

  private saw(openTime: number): void {
    this.first ??= openTime;
    this.last = openTime;
  }

  /** The rows so far, and a fresh start. */
  take(): CandleCopyRows & { readonly staged: CopyPieces } {
    const direct = this.direct.take();
    const staged = this.staged.take();
    const rows = { format: 'copy' as const, seriesId: this.seriesId, count: direct.count + staged.count, direct, staged, span: this.first === null ? null : { first: this.first, last: this.last } };
    this.first = null;
    return rows;
  }
}

export const isCopyRows = (candles: { readonly count: number } & Partial<Pick<CandleCopyRows, 'format'>>): candles is CandleCopyRows => candles.format === 'copy';
