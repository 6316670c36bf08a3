import { sql, type Kysely } from 'kysely';
import type { Series, SeriesKey } from '../domain.js';
import type { Database } from './schema.js';

function toSeries(r: { id: number; symbol: string; interval: string; start_time: Date }): Series {
  return { id: r.id, symbol: r.symbol, interval: r.interval, startTime: r.start_time.getTime() };
}

/** Tracks a series from `startTime`, or moves an existing series' start earlier; never later. */
export async function ensureSeries(db: Kysely<Database>, key: SeriesKey, startTime: number): Promise<Series> {
  const row = await db
    .insertInto('series')
    .values({ symbol: key.symbol, interval: key.interval, start_time: new Date(startTime) })
    .onConflict((oc) =>
      oc.columns(['symbol', 'interval']).doUpdateSet({ start_time: sql<Date>`least(series.start_time, excluded.start_time)` }),
    )
    .returning(['id', 'symbol', 'interval', 'start_time'])
    .executeTakeFirstOrThrow();
  return toSeries(row);
}

export interface SeriesFilter {
  readonly symbols?: readonly string[] | undefined;
  readonly intervals?: readonly string[] | undefined;
}

export async function listSeries(db: Kysely<Database>, filter: SeriesFilter = {}): Promise<Series[]> {
  let q = db.selectFrom('series').select(['id', 'symbol', 'interval', 'start_time']);
  if (filter.symbols?.length) q = q.where('symbol', 'in', [...filter.symbols]);
  if (filter.intervals?.length) q = q.where('interval', 'in', [...filter.intervals]);
  const rows = await q.orderBy('symbol').orderBy('interval').execute();
  return rows.map(toSeries);
}
