// The symbols a fake exchange has when a test does not say otherwise.
import type { FakeSymbol } from './types.ts';

/** 2017-08-17 04:00 UTC: the open time of Binance's first BTCUSDT/ETHUSDT candle. */
export const BINANCE_LAUNCH = Date.UTC(2017, 7, 17, 4);

/** A USDT-quoted symbol (`XYZUSDT`), listed at `listedAt`, with whatever else it is given. */
export function usdtSymbol(symbol: string, listedAt = BINANCE_LAUNCH, more: Partial<FakeSymbol> = {}): FakeSymbol {
  return { symbol, baseAsset: symbol.replace(/USDT$/, ''), quoteAsset: 'USDT', listedAt, ...more };
}

export function defaultSymbols(): FakeSymbol[] {
  return [usdtSymbol('BTCUSDT'), usdtSymbol('ETHUSDT')];
}
