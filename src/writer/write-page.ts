import { sql, type Kysely } from 'kysely';
import type { Candle, Range } from '../domain.js';
import type { Database } from '../db/schema.js';
import type { QualityFinding } from '../planner/validate-page.js';

export interface PageWrite {
  readonly candles: readonly Candle[];
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
export async function writePage(db: Kysely<Database>, seriesId: number, page: PageWrite): Promise<number> {
  const { candles, empties, findings } = page;
  return db.transaction().execute(async (tx) => {
    let written = 0;
    if (candles.length > 0) {
      // Each column travels as one comma-joined text parameter, split by the server: no per-element escaping
      // in the driver (decimal strings and integers never contain commas).
      const col = (pick: (c: Candle) => string | number): string => candles.map(pick).join(',');
      const result = await sql`
        insert into candle_data (series_id, open_time, close_time, trades, open, high, low, close, volume,
                                 quote_volume, taker_buy_base_volume, taker_buy_quote_volume)
        select ${seriesId}::int4,
               'epoch'::timestamptz + t.o * interval '1 millisecond',
               'epoch'::timestamptz + t.c * interval '1 millisecond',
               t.n, t.op, t.hi, t.lo, t.cl, t.v, t.qv, t.tb, t.tq
          from unnest(string_to_array(${col((c) => c.openTime)}, ',')::int8[],
                      string_to_array(${col((c) => c.closeTime)}, ',')::int8[],
                      string_to_array(${col((c) => c.trades)}, ',')::int8[],
                      string_to_array(${col((c) => c.open)}, ',')::numeric[],
                      string_to_array(${col((c) => c.high)}, ',')::numeric[],
                      string_to_array(${col((c) => c.low)}, ',')::numeric[],
                      string_to_array(${col((c) => c.close)}, ',')::numeric[],
                      string_to_array(${col((c) => c.volume)}, ',')::numeric[],
                      string_to_array(${col((c) => c.quoteVolume)}, ',')::numeric[],
                      string_to_array(${col((c) => c.takerBuyBaseVolume)}, ',')::numeric[],
                      string_to_array(${col((c) => c.takerBuyQuoteVolume)}, ',')::numeric[])
               as t(o, c, n, op, hi, lo, cl, v, qv, tb, tq)
        on conflict (series_id, open_time) do nothing`.execute(tx);
      written = Number(result.numAffectedRows ?? 0n);
    }
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
