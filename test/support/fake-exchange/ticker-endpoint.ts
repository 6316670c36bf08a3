// GET /api/v3/ticker/24hr: rolling 24 h statistics computed from the symbol's own 1h candles
// (generated or replayed), so quoteVolume ranks symbols consistently with their klines.
// Weight: one symbol 2; symbols=[…] 2 / 40 / 80 for 1–20 / 21–100 / more; all symbols 80.
import { formatUnits, parseUnits } from './decimal.ts';
import { invalidParam } from './errors.ts';
import { requestedSymbols } from './exchange-info-endpoint.ts';
import { hashString } from './hash.ts';
import { statusOf, type Market } from './market.ts';
import { profileFor } from './symbol-profile.ts';
import type { Query } from './params.ts';
import type { FakeSymbol } from './types.ts';

const DAY = 86_400_000;

export function tickerWeight(q: Query): number {
  if (q.symbol !== undefined) return 2;
  if (q.symbols !== undefined) {
    let n = 0;
    try {
      n = (JSON.parse(q.symbols) as unknown[]).length;
    } catch {
      n = 1;
    }
    return n <= 20 ? 2 : n <= 100 ? 40 : 80;
  }
  return 80;
}

function tickerOf(market: Market, s: FakeSymbol, now: number, mini: boolean): Record<string, unknown> {
  const series = market.seriesFor(s, '1h');
  const rows = series.forward(now - DAY + 1, now, 30).map((k) => series.row(k, now));
  const before = series.backward(now - DAY, 1).map((k) => series.row(k, now))[0];
  let vol = 0n;
  let quote = 0n;
  let high = 0n;
  let low = 0n;
  let count = 0;
  rows.forEach((r, i) => {
    const h = parseUnits(r[2]);
    const l = parseUnits(r[3]);
    if (i === 0 || h > high) high = h;
    if (i === 0 || l < low) low = l;
    vol += parseUnits(r[5]);
    quote += parseUnits(r[7]);
    count += r[8];
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  const open = first ? parseUnits(first[1]) : 0n;
  const lastPrice = last ? parseUnits(last[4]) : 0n;
  const firstId = count === 0 ? -1 : (hashString(s.symbol) % 1_000_000) * 1000 + Math.floor(now / 1000);
  const lastId = count === 0 ? -1 : firstId + count - 1;
  const base = {
    symbol: s.symbol,
    openPrice: formatUnits(open),
    highPrice: formatUnits(high),
    lowPrice: formatUnits(low),
    lastPrice: formatUnits(lastPrice),
    volume: formatUnits(vol),
    quoteVolume: s.quoteVolume24h ?? formatUnits(quote),
    openTime: now - DAY,
    closeTime: now,
    firstId,
    lastId,
    count,
  };
  if (mini) return base;
  const change = lastPrice - open;
  const pct = open === 0n ? 0n : (change * 100_000n) / open; // thousandths of a percent
  const pctStr = `${pct < 0n ? '-' : ''}${(pct < 0n ? -pct : pct) / 1000n}.${((pct < 0n ? -pct : pct) % 1000n).toString().padStart(3, '0')}`;
  const trading = statusOf(s, now) === 'TRADING' && last !== undefined;
  const tick = BigInt(profileFor(s.symbol, s.baseAsset, s.quoteAsset).tickUnits);
  return {
    symbol: s.symbol,
    priceChange: formatUnits(change),
    priceChangePercent: pctStr,
    weightedAvgPrice: formatUnits(vol === 0n ? 0n : (quote * 100_000_000n) / vol),
    prevClosePrice: formatUnits(before ? parseUnits(before[4]) : 0n),
    lastPrice: base.lastPrice,
    lastQty: formatUnits(count === 0 ? 0n : 1_000_000n),
    bidPrice: formatUnits(trading ? lastPrice - tick : 0n),
    bidQty: formatUnits(trading ? 50_000_000n : 0n),
    askPrice: formatUnits(trading ? lastPrice + tick : 0n),
    askQty: formatUnits(trading ? 70_000_000n : 0n),
    openPrice: base.openPrice,
    highPrice: base.highPrice,
    lowPrice: base.lowPrice,
    volume: base.volume,
    quoteVolume: base.quoteVolume,
    openTime: base.openTime,
    closeTime: base.closeTime,
    firstId,
    lastId,
    count,
  };
}

export function tickerEndpoint(market: Market, q: Query, now: number): unknown {
  const type = q.type ?? 'FULL';
  if (type !== 'FULL' && type !== 'MINI') throw invalidParam('type');
  const single = q.symbol !== undefined;
  const symbols = requestedSymbols(market, q);
  const tickers = symbols.map((s) => tickerOf(market, s, now, type === 'MINI'));
  return single ? tickers[0] : tickers;
}
