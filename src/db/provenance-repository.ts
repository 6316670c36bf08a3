import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface CandleSources {
  /** Stored candles that lie in a stretch stored from an archive file. */
  readonly archive: number;
  /** The archive files those stretches came from. */
  readonly archiveFiles: number;
}

/**
 * How many of a series' stored candles came from archive files (sql/000010): the candles counted in each stretch
 * by the primary key's index, not the stretches' own sizes, so rows deleted since are not counted. The others came
 * from REST.
 */
export async function loadCandleSources(db: Kysely<Database>, seriesId: number): Promise<CandleSources> {
  const r = await sql<{ candles: unknown; files: unknown }>`
    select (select count(*) from archive_provenance p
              join candle_data c on c.series_id = ${seriesId}::int4 and c.open_time >= p.from_time and c.open_time < p.to_time
             where p.series_id = ${seriesId}::int4) as candles,
           (select count(distinct file_name) from archive_provenance where series_id = ${seriesId}::int4) as files`.execute(db);
  return { archive: Number(r.rows[0]?.candles ?? 0), archiveFiles: Number(r.rows[0]?.files ?? 0) };
}
