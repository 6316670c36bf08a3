import { sql } from 'kysely';
import type { Candle, Range, SeriesKey } from '../domain.js';
import type { Db } from './schema.js';

/**
 * One row of the `candles` relation as export writes it: times in epoch ms, every decimal as PostgreSQL prints the
 * stored `numeric` (the exchange's string, scale included), the trade count as its digits.
 */
export type ExportedCandle = Omit<Candle, 'trades'> & { readonly trades: string };

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
 * Where a keyset page of `limit` candles starting at `range.from` ends: the open time just after its last candle,
 * or null when fewer than `limit` are left in the range (the page runs to `range.to`). Read from candle_data's key
 * alone (an index scan of `limit` entries), because the view cannot be asked for "the next N in order" cheaply:
 * its join to `series` hides that candle_data's index is already in open-time order, so `ORDER BY open_time LIMIT
 * N` over the view sorts everything after `from` for every page, and an export of a million candles became
 * quadratic (84 s instead of a few).
 */
export async function candlePageEnd(db: Db, seriesId: number, range: Range, limit: number): Promise<number | null> {
  const { rows } = await sql<{ t: string }>`
    select (extract(epoch from open_time) * 1000)::int8::text as t
      from candle_data
     where series_id = ${seriesId} and open_time >= ${new Date(range.from)} and open_time < ${new Date(range.to)}
     order by open_time
     offset ${limit - 1} limit 1`.execute(db);
  const last = rows[0];
  return last === undefined ? null : Number(last.t) + 1;
}

/**
 * The candles of a series with an open time in `range` (at most `limit`), oldest first, from the `candles` view:
 * one keyset page, bounded by candlePageEnd so that the view reads and sorts only the page's rows. The next page
 * starts where this one ends (stored times are whole milliseconds), so a series is never held whole, on
 * PostgreSQL and PGlite alike (PGlite has no cursor that outlives a statement, and a page per statement needs none).
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
