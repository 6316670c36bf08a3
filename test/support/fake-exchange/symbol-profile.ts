// Per-symbol constants for synthetic candles: price level, tick size, volume step and turnover.
// Derived from the symbol's assets so that e.g. ADABTC gets tiny prices (0.0000xxxx) like Binance
// and BTCUSDT trades around tens of thousands, and so that symbols rank differently by quoteVolume.
import { hashString, unit } from './hash.ts';

export interface SymbolProfile {
  seed: number;
  /** Reference price of one base unit in the quote asset (float; the time curve multiplies it). */
  basePrice: number;
  /** Price tick in 1e-8 units (prices are rounded to it). */
  tickUnits: number;
  /** Base-volume step in 1e-8 units. */
  volStepUnits: number;
  /** Base-volume step as a float (volStepUnits / 1e8). */
  volStep: number;
  /** Approximate USD price of one base unit, for volume sizing. */
  baseUsd: number;
  /** Mean USD turnover per minute. */
  usdPerMinute: number;
  /** Mean USD size of one trade, turning turnover into a trade count. */
  avgTradeUsd: number;
  /** Phases (radians) of the price curve's components. */
  phases: number[];
}

/** Rough USD prices of well-known assets; others get a hash-derived price. */
const KNOWN_USD: Record<string, number> = {
  BTC: 30_000, ETH: 2_000, BNB: 300, SOL: 100, XRP: 0.5, ADA: 0.4, DOGE: 0.08, LTC: 90, DOT: 6, TRX: 0.1,
  USDT: 1, BUSD: 1, USDC: 1, FDUSD: 1, TUSD: 1, DAI: 1, USDP: 1, EUR: 1.08, TRY: 0.035,
};
const KNOWN_TURNOVER: Record<string, number> = { BTCUSDT: 2_000_000, ETHUSDT: 900_000, BNBUSDT: 120_000 };

function usdOf(asset: string): number {
  const known = KNOWN_USD[asset];
  if (known !== undefined) return known;
  // 10^[-3, 3): from sub-cent tokens to pricey ones.
  return 10 ** (unit(hashString(asset), 0, 1) * 6 - 3);
}

const cache = new Map<string, SymbolProfile>();

export function profileFor(symbol: string, baseAsset: string, quoteAsset: string): SymbolProfile {
  const key = `${symbol}/${baseAsset}/${quoteAsset}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const seed = hashString(symbol);
  const baseUsd = usdOf(baseAsset);
  const basePrice = baseUsd / usdOf(quoteAsset);
  const tickExp = Math.min(8, Math.max(0, Math.floor(Math.log10(basePrice)) + 2));
  const volDecimals = Math.min(8, Math.max(0, Math.floor(Math.log10(baseUsd)) + 2));
  const volStepUnits = 10 ** (8 - volDecimals);
  const profile: SymbolProfile = {
    seed,
    basePrice,
    tickUnits: 10 ** tickExp,
    volStepUnits,
    volStep: volStepUnits / 1e8,
    baseUsd,
    usdPerMinute: KNOWN_TURNOVER[symbol] ?? 10 ** (2 + unit(seed, 0, 2) * 3.5),
    avgTradeUsd: 50 + unit(seed, 0, 3) * 450,
    phases: Array.from({ length: 12 }, (_, i) => unit(seed, 0, 10 + i) * 2 * Math.PI),
  };
  cache.set(key, profile);
  return profile;
}
