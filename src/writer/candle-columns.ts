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

