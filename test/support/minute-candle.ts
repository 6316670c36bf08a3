// A 1m candle of fixed, regular values (eight decimals, the nominal close) the i-th minute after `t0`, for tests
// that write pages themselves; `over` makes it irregular (a cut-short close, fewer decimals, a huge trade count).
import type { Candle } from '../../src/domain.ts';

const M = 60_000;

export const minuteCandle = (t0: number, i: number, over: Partial<Candle> = {}): Candle => ({
  openTime: t0 + i * M,
  closeTime: t0 + (i + 1) * M - 1,
  open: '100.10000000',
  high: '101.00000000',
  low: '99.50000000',
  close: '100.20000000',
  volume: '3.25000000',
  quoteVolume: '325.81250000',
  trades: 17 + i,
  takerBuyBaseVolume: '1.00000000',
  takerBuyQuoteVolume: '100.15000000',
  ...over,
});
