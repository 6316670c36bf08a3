/**
 * Terminology
 * - interval: a Binance kline interval (`1m`, `1h`, `1M`…).
 * - series: one (symbol, interval) pair the tool tracks from a start time onwards.
 * - candle: one kline, keyed by its open time; stored exactly as the exchange's decimal strings.
 * - range: a half-open span of open times `[from, to)` in epoch milliseconds.
 * - exchange-empty range: a range two answers of the exchange agree has no candle, each showing a candle after it
 *   (before a listing, an outage, a halt). Remembered so it is never asked again, and never called a gap. A range
 *   with no candle after it (the present, after a delisting) is "not yet": not remembered, asked again.
 * - watermark: the point up to which a series is proven collected without a hole (series.collected_until).
 * - gap: a range before the series' collected end (its newest candle, or its watermark) that holds neither a
 *   candle nor an exchange-empty answer: never collected, or rows deleted behind the tool's back.
 * - run: one invocation of a command, recorded in the runs table.
 * - universe: the top N TRADING symbols of some quote assets by 24 h quote volume, less exclusions; a backfill
 *   without --symbols tracks one, and each ranking of it is recorded with the run that made it.
 * - tracked series: a series forward polls (active), unless untracked (data kept) or delisted (the exchange no
 *   longer trades its symbol).
 */

export interface Range {
  readonly from: number;
  readonly to: number;
}

/** One closed kline, exactly as the exchange sent it (decimal strings stay strings). */
export interface Candle {
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly trades: number;
  readonly takerBuyBaseVolume: string;
  readonly takerBuyQuoteVolume: string;
}

export interface SeriesKey {
  readonly symbol: string;
  readonly interval: string;
}

export interface Series extends SeriesKey {
  readonly id: number;
  /** First open time the series covers (the backfill's --since, aligned up to the interval grid). */
  readonly startTime: number;
  /** Everything from startTime up to here is known to be collected without a hole (startTime when unknown). */
  readonly collectedUntil: number;
}

export type RunStatus = 'running' | 'success' | 'partial' | 'failed' | 'interrupted';

export type CommandName = 'backfill' | 'forward' | 'gaps' | 'refetch' | 'status' | 'series' | 'untrack' | 'export' | 'sql' | 'migrate';
