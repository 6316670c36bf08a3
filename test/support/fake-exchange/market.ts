// The exchange's symbol table and the candle series behind each (symbol, interval). Series are
// built lazily and cached, because building a replay series sorts/filters up to 62k rows.
import { availabilityOf } from './availability.ts';
import { GeneratedSeries, ReplaySeries, type CandleSeries } from './candle-series.ts';
import type { Interval } from './intervals.ts';
import { profileFor } from './symbol-profile.ts';
import type { FakeSymbol, TimeWindow } from './types.ts';

export class Market {
  private readonly symbols = new Map<string, FakeSymbol>();
  private readonly series = new Map<string, CandleSeries>();

  constructor(symbols: FakeSymbol[], private readonly outages: TimeWindow[]) {
    for (const s of symbols) this.add(s);
  }

  /** Adds or replaces a symbol (replacing drops its cached series). */
  add(s: FakeSymbol): void {
    this.symbols.set(s.symbol, s);
    for (const key of [...this.series.keys()]) if (key.startsWith(`${s.symbol} `)) this.series.delete(key);
  }

  /** A symbol the API knows (removed ones answer -1121, so they are "unknown" here). */
  get(symbol: string): FakeSymbol | undefined {
    const s = this.symbols.get(symbol);
    return s && !s.removed ? s : undefined;
  }

  /** All live (not removed) symbols in insertion order. */
  list(): FakeSymbol[] {
    return [...this.symbols.values()].filter((s) => !s.removed);
  }

  seriesFor(s: FakeSymbol, interval: Interval): CandleSeries {
    const key = `${s.symbol} ${interval}`;
    let series = this.series.get(key);
    if (!series) {
      const avail = availabilityOf(s.listedAt, s.delistedAt, [...(s.halts ?? []), ...this.outages]);
      const replay = s.replay?.[interval];
      series = replay
        ? new ReplaySeries(replay, avail)
        : new GeneratedSeries(profileFor(s.symbol, s.baseAsset, s.quoteAsset), interval, avail);
      this.series.set(key, series);
    }
    return series;
  }
}

/**
 * exchangeInfo status: the explicit override, else BREAK once delisted or before listing (Binance
 * shows upcoming pairs as BREAK), HALT inside a halt window, otherwise TRADING.
 */
export function statusOf(s: FakeSymbol, now: number): string {
  if (s.status) return s.status;
  if (s.delistedAt !== undefined && now >= s.delistedAt) return 'BREAK';
  if (now < s.listedAt) return 'BREAK';
  if (s.halts?.some((h) => now >= h.from && now < h.to)) return 'HALT';
  return 'TRADING';
}
