import { sql, type Kysely } from 'kysely';
import type { Series, SeriesKey } from '../domain.js';
import type { Database } from './schema.js';

function toSeries(r: { id: number; symbol: string; interval: string; start_time: Date; collected_until: Date | null }): Series {
  const startTime = r.start_time.getTime();
  const until = r.collected_until?.getTime() ?? startTime;
  return { id: r.id, symbol: r.symbol, interval: r.interval, startTime, collectedUntil: Math.max(startTime, until) };
}

/** Tracks a series from `startTime`, or moves an existing series' start earlier; never later. */
export async function ensureSeries(db: Kysely<Database>, key: SeriesKey, startTime: number): Promise<Series> {
  const row = await db
    .insertInto('series')
    .values({ symbol: key.symbol, interval: key.interval, start_time: new Date(startTime) })
    .onConflict((oc) =>
      oc.columns(['symbol', 'interval']).doUpdateSet({
        start_time: sql<Date>`least(series.start_time, excluded.start_time)`,
        // An earlier start opens new, uncollected ground before the watermark: it no longer holds.
        collected_until: sql<Date | null>`case when excluded.start_time < series.start_time then null else series.collected_until end`,
      }),
    )
    .returning(['id', 'symbol', 'interval', 'start_time', 'collected_until'])
    .executeTakeFirstOrThrow();
  return toSeries(row);
}

export interface SeriesFilter {
  readonly symbols?: readonly string[] | undefined;
  readonly intervals?: readonly string[] | undefined;
}

export async function listSeries(db: Kysely<Database>, filter: SeriesFilter = {}): Promise<Series[]> {
  let q = db.selectFrom('series').select(['id', 'symbol', 'interval', 'start_time', 'collected_until']);
  if (filter.symbols?.length) q = q.where('symbol', 'in', [...filter.symbols]);
  if (filter.intervals?.length) q = q.where('interval', 'in', [...filter.intervals]);
  const rows = await q.orderBy('symbol').orderBy('interval').execute();
  return rows.map(toSeries);
}

/**
 * Moves the series' watermark forward to `until` after a run collected everything from the old watermark up to it.
 * Never moves it back: a concurrent or earlier run may have gone further.
 */
export async function advanceCollectedUntil(db: Kysely<Database>, seriesId: number, until: number): Promise<void> {
  await db
    .updateTable('series')
    .set({ collected_until: new Date(until) })
    .where('id', '=', seriesId)
    .where(sql<boolean>`coalesce(collected_until, start_time) < ${new Date(until)}`)
    .execute();
}
