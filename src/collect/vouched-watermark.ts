import type { Series } from '../domain.js';

/**
 * How far a series' watermark can still be believed without reading the series: up to its newest stored candle.
 * Past it lies either ground shown empty up to a candle that is not stored (rare: a halt ending in the present
 * slot; reading it again costs no request, its empty ranges are remembered), or rows deleted at the newest end,
 * a whole series deleted, `TRUNCATE candle_data` — ground that must be fetched again.
 */
export function vouchedWatermark(series: Series, newestEnd: number | null): number {
  return newestEnd === null ? series.startTime : Math.max(series.startTime, Math.min(series.collectedUntil, newestEnd));
}
