// Binance's kline selection rules, written once over any CandleSeries:
//   startTime only  → oldest `limit` with open ≥ startTime
//   both            → same, with open ≤ endTime
//   endTime only    → newest `limit` with open ≤ endTime
//   neither         → newest `limit`, including the still-open candle
// Candles opening after now() do not exist yet, so now() caps every upper bound.
import type { CandleSeries } from './candle-series.ts';
import type { RealKline } from './types.ts';

export interface KlineQuery {
  startTime?: number;
  endTime?: number;
  limit: number;
}

export function selectKlines(series: CandleSeries, q: KlineQuery, now: number): RealKline[] {
  const top = Math.min(q.endTime ?? Infinity, now);
  const keys = q.startTime !== undefined ? series.forward(q.startTime, top, q.limit) : series.backward(top, q.limit);
  return keys.map((k) => series.row(k, now));
}

/** The closed candles (close time < now) with open in [from, toExclusive), with their final values. */
export function closedKlines(series: CandleSeries, from: number, toExclusive: number, now: number): RealKline[] {
  return series
    .forward(from, Math.min(toExclusive - 1, now), Infinity)
    .filter((k) => series.closeTimeOf(k) < now)
    .map((k) => series.row(k, now));
}
