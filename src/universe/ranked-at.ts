import type { Ticker24h } from '../exchange/binance-client.js';

/**
 * When a ranking was made, by the exchange's clock: the end of the statistics' 24 h window (the tickers' newest
 * closeTime), or the exchange's time of the run when no ticker gave one.
 */
export function rankedAt(tickers: readonly Ticker24h[], serverTime: number): number {
  let newest = 0;
  for (const t of tickers) if (t.closeTime > newest) newest = t.closeTime;
  return newest > 0 ? newest : serverTime;
}
