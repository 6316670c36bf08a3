import { sql, type Kysely } from 'kysely';
import type { Series, SeriesKey } from '../domain.js';
import type { Database } from './schema.js';

type SeriesRow = { id: number; symbol: string; interval: string; start_time: Date; collected_until: Date | null };

const COLUMNS = ['id', 'symbol', 'interval', 'start_time', 'collected_until'] as const;

function toSeries(r: SeriesRow): Series {
  const startTime = r.start_time.getTime();
  const until = r.collected_until?.getTime() ?? startTime;
  return { id: r.id, symbol: r.symbol, interval: r.interval, startTime, collectedUntil: Math.max(startTime, until) };
}

/** Why a backfill tracks its series: the user named them, or a universe chose them. */
export type Tracking = { readonly by: 'name' } | { readonly by: 'universe'; readonly universeId: number };

/**
 * The series of `keys`, each tracked from its start time if it is new; in the order given. An existing series keeps
 * its data as it is: changing its start is for the run that holds its lock (extendSeriesStart), never for one that
 * may yet skip it. With `tracking`, each is tracked (again, if it was untracked) for that reason; a series tracked
 * by name stays so when a universe chooses it too (--drop-leavers never untracks what the user named).
 */
export async function ensureSeries(db: Kysely<Database>, keys: ReadonlyArray<SeriesKey & { readonly startTime: number }>, tracking?: Tracking): Promise<Series[]> {
  if (keys.length === 0) return [];
  const universeId = tracking?.by === 'universe' ? tracking.universeId : null;
  await db
    .insertInto('series')
    .values(keys.map((k) => ({ symbol: k.symbol, interval: k.interval, start_time: new Date(k.startTime), universe_id: universeId })))
    .onConflict((oc) => {
      const on = oc.columns(['symbol', 'interval']);
      if (tracking === undefined) return on.doNothing();
      return on.doUpdateSet({
        untracked_at: null,
        untrack_reason: null,
        universe_id:
          universeId === null
            ? null
            : sql<number | null>`case when series.universe_id is null and series.untracked_at is null then null else excluded.universe_id end`,
      });
    })
    .execute();
  const byKey = await findSeries(db, keys);
  return keys.map((k) => {
    const s = byKey.get(`${k.symbol} ${k.interval}`);
    if (!s) throw new Error(`series ${k.symbol} ${k.interval} was neither found nor created`);
    return s;
  });
}

/** The tracked series among `keys`, by `${symbol} ${interval}`: a read, for plans that must not register anything. */
export async function findSeries(db: Kysely<Database>, keys: readonly SeriesKey[]): Promise<Map<string, Series>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('series')
    .select(COLUMNS)
    .where('symbol', 'in', [...new Set(keys.map((k) => k.symbol))])
    .where('interval', 'in', [...new Set(keys.map((k) => k.interval))])
    .execute();
  return new Map(rows.map((r) => [`${r.symbol} ${r.interval}`, toSeries(r)]));
}

export interface SeriesFilter {
  readonly symbols?: readonly string[] | undefined;
  readonly intervals?: readonly string[] | undefined;
}

export async function listSeries(db: Kysely<Database>, filter: SeriesFilter = {}): Promise<Series[]> {
  let q = db.selectFrom('series').select(COLUMNS);
  if (filter.symbols?.length) q = q.where('symbol', 'in', [...filter.symbols]);
  if (filter.intervals?.length) q = q.where('interval', 'in', [...filter.intervals]);
  const rows = await q.orderBy('symbol').orderBy('interval').execute();
  return rows.map(toSeries);
}

/** The series as they are now, read once their locks are held (what was read before may have moved since). */
export async function reloadSeries(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, Series>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('series').select(COLUMNS).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, toSeries(r)]));
}

/**
 * Starts a series earlier; only under its lock. The new ground before the old start is not collected, so the
 * watermark goes back to the new start: the run (or a later one) proves the way forward again.
 */
export async function extendSeriesStart(db: Kysely<Database>, series: Series, startTime: number): Promise<Series> {
  if (startTime >= series.startTime) return series;
  await db.updateTable('series').set({ start_time: new Date(startTime), collected_until: null }).where('id', '=', series.id).execute();
  return { ...series, startTime, collectedUntil: startTime };
}

/**
 * Sets the watermark a run proved, under the series' lock: everything from the start up to `until` is collected.
 * It may move back as well as forward (a run that found the newest rows deleted proves less than was claimed). The
 * start guards against a series whose start moved since the run planned (it would have planned other ground).
 */
export async function setWatermark(db: Kysely<Database>, series: Pick<Series, 'id' | 'startTime'>, until: number): Promise<void> {
  await db
    .updateTable('series')
    .set({ collected_until: new Date(until) })
    .where('id', '=', series.id)
    .where('start_time', '=', new Date(series.startTime))
    .where(sql<boolean>`coalesce(collected_until, start_time) <> ${new Date(until)}`)
    .execute();
}
