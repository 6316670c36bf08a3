import { sql, type RawBuilder } from 'kysely';
import type { CandleColumns } from './candle-columns.js';

/**
 * A page's columns as the page statement's row source (writer/page-statement.ts): each column one text parameter,
 * split again by the server — a dozen parameters whatever the page size.
 */
export function unnestColumns(candles: CandleColumns): RawBuilder<unknown> {
  return sql`unnest(string_to_array(${candles.openTime}, ',')::int8[],
                string_to_array(${candles.closeTime}, ',')::int8[],
                string_to_array(${candles.trades}, ',')::int8[],
                string_to_array(${candles.open}, ',')::numeric[],
                string_to_array(${candles.high}, ',')::numeric[],
                string_to_array(${candles.low}, ',')::numeric[],
                string_to_array(${candles.close}, ',')::numeric[],
                string_to_array(${candles.volume}, ',')::numeric[],
                string_to_array(${candles.quoteVolume}, ',')::numeric[],
                string_to_array(${candles.takerBuyBaseVolume}, ',')::numeric[],
                string_to_array(${candles.takerBuyQuoteVolume}, ',')::numeric[])
           as t(o, c, n, op, hi, lo, cl, v, qv, tb, tq)`;
}
