// GET /api/v3/exchangeInfo (weight 20): rate limits and the symbol table, optionally narrowed with
// ?symbol=X or ?symbols=["A","B"]. Symbol objects follow Binance's current shape: `permissions` is
// an empty array there since 2024 (the real information is in `permissionSets`).
import { badCombination, invalidSymbol } from './errors.ts';
import { statusOf, type Market } from './market.ts';
import { optionalSymbol, optionalSymbols, type Query } from './params.ts';
import { profileFor } from './symbol-profile.ts';
import { formatUnits } from './decimal.ts';
import type { FakeSymbol, RateLimitSpec } from './types.ts';

export const EXCHANGE_INFO_WEIGHT = 20;

/** Resolves ?symbol / ?symbols to symbols (all when neither), -1121 on any unknown one. */
export function requestedSymbols(market: Market, q: Query): FakeSymbol[] {
  const one = optionalSymbol(q);
  const many = optionalSymbols(q);
  if (one !== undefined && many !== undefined) throw badCombination();
  const names = one !== undefined ? [one] : many;
  if (names === undefined) return market.list();
  return names.map((n) => {
    const s = market.get(n);
    if (!s) throw invalidSymbol();
    return s;
  });
}

function symbolInfo(s: FakeSymbol, now: number): Record<string, unknown> {
  const p = profileFor(s.symbol, s.baseAsset, s.quoteAsset);
  return {
    symbol: s.symbol,
    status: statusOf(s, now),
    baseAsset: s.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: s.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: formatUnits(BigInt(p.tickUnits)), maxPrice: '1000000.00000000', tickSize: formatUnits(BigInt(p.tickUnits)) },
      { filterType: 'LOT_SIZE', minQty: formatUnits(BigInt(p.volStepUnits)), maxQty: '9000000.00000000', stepSize: formatUnits(BigInt(p.volStepUnits)) },
    ],
    permissions: [],
    permissionSets: s.permissionSets ?? [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export function exchangeInfoEndpoint(market: Market, q: Query, now: number, limit: RateLimitSpec): unknown {
  const symbols = requestedSymbols(market, q);
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: limit.interval, intervalNum: limit.intervalNum, limit: limit.limit },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map((s) => symbolInfo(s, now)),
  };
}
