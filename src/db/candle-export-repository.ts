import { sql } from 'kysely';
import type { Range, SeriesKey } from '../domain.js';
import type { Db } from './schema.js';

/**
 * One row of the `candles` relation as export writes it: times in epoch ms, every decimal as PostgreSQL prints the
 * stored `numeric` (the exchange's string, scale included), the trade count as its digits.
 */
export interface ExportedCandle {
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly trades: string;
  readonly takerBuyBaseVolume: string;
  readonly takerBuyQuoteVolume: string;
}

interface Row {
  open_ms: string;
  close_ms: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string;
  trades: string;
  taker_buy_base_volume: string;
  taker_buy_quote_volume: string;
}

/**
 * The first `limit` candles of a series with an open time in `range`, oldest first: one keyset page. The next page
 * starts 1 ms after the last open time (stored times are whole milliseconds), so a series is read in pages of the
 * index on (series, open time) and never held whole, on PostgreSQL and PGlite alike (PGlite has no cursor that
 * outlives a statement, and a page per statement needs none).
 */
export async function readCandlePage(db: Db, series: SeriesKey, range: Range, limit: number): Promise<ExportedCandle[]> {
  const { rows } = await sql<Row>`
    select (extract(epoch from open_time) * 1000)::int8::text as open_ms,
           (extract(epoch from close_time) * 1000)::int8::text as close_ms,
           open::text, high::text, low::text, close::text, volume::text, quote_volume::text, trades::text,
           taker_buy_base_volume::text, taker_buy_quote_volume::text
      from candles
     where symbol = ${series.symbol} and interval = ${series.interval}
       and open_time >= ${new Date(range.from)} and open_time < ${new Date(range.to)}
     order by open_time
     limit ${limit}`.execute(db);
  return rows.map((r) => ({
    openTime: Number(r.open_ms),
    closeTime: Number(r.close_ms),
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: r.volume,
    quoteVolume: r.quote_volume,
    trades: r.trades,
    takerBuyBaseVolume: r.taker_buy_base_volume,
    takerBuyQuoteVolume: r.taker_buy_quote_volume,
  }));
}
