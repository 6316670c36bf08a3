import type { Range } from '../domain.js';

/** What the database knows of one series, as the gap detector needs it. */
export interface SeriesCoverage {
  readonly startTime: number;
  readonly candleCount: number;
  /** Open time of the oldest stored candle (null when none). */
  readonly firstOpen: number | null;
  /** Open time of the newest stored candle (null when none). */
  readonly lastOpen: number | null;
  /** End of the newest stored candle's span: its close time + 1 (null when none). */
  readonly candlesEnd: number | null;
  /** Spans between consecutive stored candles with no candle: `[previous close + 1, next open)`. */
  readonly holes: readonly Range[];
  /** Ranges the exchange answered with no candle. */
  readonly empties: readonly Range[];
  /**
   * The series' watermark: runs proved everything before it collected. Rows deleted since then leave it where it was,
   * so a deleted tail still lies before the collected end and counts as a gap.
   */
  readonly watermark: number;
}

/** Far enough in the future to stand for "unbounded" in range maths, and still exact in a double. */
export const FOREVER = 8.64e15;

/** The coverage of a series with nothing stored and nothing answered yet. */
export function noCoverage(series: { readonly startTime: number; readonly collectedUntil: number }): SeriesCoverage {
  return { startTime: series.startTime, candleCount: 0, firstOpen: null, lastOpen: null, candlesEnd: null, holes: [], empties: [], watermark: series.collectedUntil };
}
