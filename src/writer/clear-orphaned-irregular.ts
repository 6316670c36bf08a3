import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Open times (epoch ms), both ends included. */
export type OpenTimeSpan = { readonly first: number; readonly last: number };

/**
 * Deletes the series' irregular rows within the span that belong to no stored candle. A delete straight from
 * candle_data (sql/000008) leaves them, and one would lend its values to the candle stored in its place. It is an
 * index range that holds no row, nearly always. A stored candle's own irregular row stays.
 */
export async function clearOrphanedIrregular(db: Kysely<Database>, seriesId: number, span: OpenTimeSpan): Promise<void> {
  await sql`
    delete from irregular_candles x
     where x.series_id = ${seriesId}::int4
       and x.open_time between ${new Date(span.first)}::timestamptz and ${new Date(span.last)}::timestamptz
       and not exists (select 1 from candle_data d where d.series_id = x.series_id and d.open_time = x.open_time)`.execute(db);
}
