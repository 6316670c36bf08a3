import { sql } from 'kysely';
import type { Db } from './schema.js';

export interface SeriesQuality {
  /** Data-quality findings recorded at ingest for the series. */
  readonly findings: number;
  /** Stored candles with at least one finding (findings of candles deleted since do not count). */
  readonly flaggedCandles: number;
}

export async function loadQuality(db: Db, seriesId: number): Promise<SeriesQuality> {
  const r = await sql<{ findings: unknown; flagged: unknown }>`
    select count(*) as findings,
           count(distinct f.open_time) filter (where exists (
             select 1 from candle_data c where c.series_id = f.series_id and c.open_time = f.open_time)) as flagged
      from quality_findings f where f.series_id = ${seriesId}`.execute(db);
  return { findings: Number(r.rows[0]?.findings ?? 0), flaggedCandles: Number(r.rows[0]?.flagged ?? 0) };
}
