// The symbols a fake exchange has when a test does not say otherwise.
import type { FakeSymbol } from './types.ts';

/** 2017-08-17 04:00 UTC: the open time of Binance's first BTCUSDT/ETHUSDT candle. */
export const BINANCE_LAUNCH = Date.UTC(2017, 7, 17, 4);

export function defaultSymbols(): FakeSymbol[] {
  return [
    { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: BINANCE_LAUNCH },
    { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', listedAt: BINANCE_LAUNCH },
  ];
}
