// GET /api/v3/klines (weight 2 whatever the limit).
import { invalidSymbol } from './errors.ts';
import { selectKlines } from './kline-selection.ts';
import type { Market } from './market.ts';
import { klineParams, type Query } from './params.ts';
import type { RealKline } from './types.ts';

export const KLINES_WEIGHT = 2;

export function klinesEndpoint(market: Market, q: Query, now: number): RealKline[] {
  const p = klineParams(q);
  const s = market.get(p.symbol);
  if (!s) throw invalidSymbol();
  return selectKlines(market.seriesFor(s, p.interval), p, now);
}
