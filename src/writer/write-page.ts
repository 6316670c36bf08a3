import { sql, type Kysely } from 'kysely';
import type { Range, Series } from '../domain.js';
import type { Database } from '../db/schema.js';
import type { QualityFinding } from '../planner/validate-page.js';
import type { CandleColumns } from './candle-columns.js';

/** Above this, a trade count is kept in irregular_candles (candle_data.trades is an integer). */
const INT4_MAX = 2_147_483_647;

export interface PageWrite {
  readonly candles: CandleColumns;
  /** Parts of the answered range where the exchange has no candle. */
  readonly empties: readonly Range[];
  readonly findings: readonly QualityFinding[];
}

/**
 * Stores one answered page in one transaction: its candles, the ranges in it where the exchange had none, and
 * its data-quality findings. Idempotent (a page fetched twice changes nothing), so a run killed at any instant
 * loses at most the pages in flight and the next run simply asks for them again. Rows go in through `unnest` of
 * columns: one statement with a dozen parameters whatever the page size.
 */
export async function writePage(
  db: Kysely<Database>,
  series: Pick<Series, 'id' | 'interval'>,
  page: PageWrite,
  /** Called once the candles are inserted, before the commit: the next page of the series may insert now. */
  onInserted: () => void = () => {},
): Promise<number> {
  const { candles, empties, findings } = page;
  const seriesId = series.id;
  return db.transaction().execute(async (tx) => {
    let written = 0;
    if (candles.count > 0) {
      // Each column travels as one text parameter (candle-columns.ts): no per-element escaping in the driver.
      // The compact row holds neither the close time nor a bigint trade count; the rare candle they don't fit
      // goes to irregular_candles too (sql/000004_compact_candle_rows.sql). Both inserts skip what is stored.
      const result = await sql<{ written: unknown }>`
        with t as (
          select 'epoch'::timestamptz + t.o * interval '1 millisecond' as open_time,
                 'epoch'::timestamptz + t.c * interval '1 millisecond' as close_time,
                 t.n, t.op, t.hi, t.lo, t.cl, t.v, t.qv, t.tb, t.tq
            from unnest(string_to_array(${candles.openTime}, ',')::int8[],
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
                 as t(o, c, n, op, hi, lo, cl, v, qv, tb, tq)
        ),
        stored as (
          insert into candle_data (open_time, series_id, trades, open, high, low, close, volume, quote_volume,
                                   taker_buy_base_volume, taker_buy_quote_volume)
          select open_time, ${seriesId}::int4, case when n <= ${INT4_MAX} then n::int4 end, op, hi, lo, cl, v, qv, tb, tq
            from t
          on conflict (series_id, open_time) do nothing
          returning 1
        ),
        irregular as (
          insert into irregular_candles (series_id, open_time, close_time, trades)
          select ${seriesId}::int4, open_time, close_time, n
            from t
           where close_time <> candle_nominal_close(open_time, ${series.interval}::text) or n > ${INT4_MAX}
          on conflict (series_id, open_time) do nothing
        )
        select count(*) as written from stored`.execute(tx);
      written = Number(result.rows[0]?.written ?? 0);
    }
    onInserted();
    for (const r of empties) {
      await sql`
        insert into exchange_empty (series_id, from_time, to_time)
        values (${seriesId}, ${new Date(r.from)}, ${new Date(r.to)})
        on conflict (series_id, from_time) do update set to_time = greatest(exchange_empty.to_time, excluded.to_time)`.execute(tx);
    }
    for (const f of findings) {
      await sql`
        insert into quality_findings (series_id, open_time, rule, detail)
        values (${seriesId}, ${new Date(f.openTime)}, ${f.rule}, ${f.detail})
        on conflict (series_id, open_time, rule) do update set detail = excluded.detail, found_at = now()`.execute(tx);
    }
    return written;
  });
}
