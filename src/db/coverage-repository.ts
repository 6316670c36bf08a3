import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Range, Series } from '../domain.js';
import type { SeriesCoverage } from '../planner/series-coverage.js';
import { addSlots, alignDown, countSlots } from '../planner/intervals.js';

const toMs = (v: unknown): number => Number(v);

/**
 * The one database read behind the gap detector: the series' bounds, the holes between consecutive stored candles
 * (found by the primary-key index in one ordered pass, without sending every row to the client), and its
 * exchange-empty ranges — from `from` on (default: the series start), so that `forward` reads only what lies
 * after the series' watermark, and before `to` when given (a claimed range of pages: collect/claimed-work.ts).
 */
export async function loadCoverage(db: Kysely<Database>, series: Series, from: number = series.startTime, to?: number): Promise<SeriesCoverage> {
  const since = new Date(from);
  const before = to === undefined ? sql`` : sql` and open_time < ${new Date(to)}`;
  const bounds = await sql<{ n: unknown; first_open: unknown; last_open: unknown; last_end: unknown }>`
    select b.n,
           (extract(epoch from b.first_open) * 1000)::int8 as first_open,
           (extract(epoch from b.last_open) * 1000)::int8 as last_open,
           (extract(epoch from coalesce(x.close_time, candle_nominal_close(b.last_open, ${series.interval}::text))) * 1000)::int8 + 1 as last_end
      from (select count(*) as n, min(open_time) as first_open, max(open_time) as last_open
              from candle_data where series_id = ${series.id} and open_time >= ${since}${before}) b
      left join irregular_candles x on x.series_id = ${series.id} and x.open_time = b.last_open`.execute(db);
  const b = bounds.rows[0];
  const candleCount = toMs(b?.n ?? 0);
  // The window runs over candle_data alone, in index order; the few irregular close times are joined after it.
  const holes =
    candleCount < 2
      ? []
      : (
          await sql<{ from_ms: unknown; to_ms: unknown }>`
            select from_ms, to_ms from (
              select (extract(epoch from coalesce(x.close_time, t.nominal_close)) * 1000)::int8 + 1 as from_ms,
                     (extract(epoch from t.next_open) * 1000)::int8 as to_ms
                from (select open_time,
                             candle_nominal_close(open_time, ${series.interval}::text) as nominal_close,
                             lead(open_time) over (order by open_time) as next_open
                        from candle_data where series_id = ${series.id} and open_time >= ${since}${before}) t
                left join irregular_candles x on x.series_id = ${series.id} and x.open_time = t.open_time
            ) h where to_ms > from_ms order by to_ms`.execute(db)
        ).rows.map((r): Range => ({ from: toMs(r.from_ms), to: toMs(r.to_ms) }));
  return {
    startTime: from,
    candleCount,
    firstOpen: candleCount > 0 ? toMs(b?.first_open) : null,
    lastOpen: candleCount > 0 ? toMs(b?.last_open) : null,
    candlesEnd: candleCount > 0 ? toMs(b?.last_end) : null,
    holes,
    empties: await loadEmpties(db, series.id, from, to),
    watermark: series.collectedUntil,
  };
}

/**
 * The end of the newest stored candle of a series (its close time + 1), or null when none is stored: one index
 * lookup. A watermark past it means rows were deleted at the newest end since a run proved them.
 */
export async function newestCandleEnd(db: Kysely<Database>, series: Pick<Series, 'id' | 'interval'>): Promise<number | null> {
  const r = await sql<{ end_ms: unknown }>`
    select (extract(epoch from coalesce(x.close_time, candle_nominal_close(c.open_time, ${series.interval}::text))) * 1000)::int8 + 1 as end_ms
      from (select open_time from candle_data where series_id = ${series.id} order by open_time desc limit 1) c
      left join irregular_candles x on x.series_id = ${series.id} and x.open_time = c.open_time`.execute(db);
  const end = r.rows[0]?.end_ms;
  return end === undefined || end === null ? null : toMs(end);
}

export async function loadEmpties(db: Kysely<Database>, seriesId: number, from: number, to?: number): Promise<Range[]> {
  const before = to === undefined ? sql`` : sql` and from_time < ${new Date(to)}`;
  const rows = await sql<{ from_ms: unknown; to_ms: unknown }>`
    select (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms
      from exchange_empty where series_id = ${seriesId} and to_time > ${new Date(from)}${before} order by from_time`.execute(db);
  return rows.rows.map((r) => ({ from: toMs(r.from_ms), to: toMs(r.to_ms) }));
}

/**
 * Whether every slot of `range` (on the interval's grid) holds a stored candle of its interval's length: then the
 * range is collected without reading its holes (one index count instead of a pass over every row). False when it
 * cannot tell so cheaply (calendar months, a range off the grid, a candle cut short or off the grid): read the
 * coverage then.
 */
export async function storedWhole(db: Kysely<Database>, series: Pick<Series, 'id' | 'interval'>, range: Range): Promise<boolean> {
  const { interval } = series;
  if (interval === '1M' || alignDown(interval, range.from) !== range.from || alignDown(interval, range.to) !== range.to) return false;
  const slotMs = addSlots(interval, 0, 1);
  const r = await sql<{ n: unknown; on_grid: unknown; odd: boolean }>`
    select count(*) as n,
           count(*) filter (where mod((extract(epoch from open_time) * 1000)::int8 - ${range.from}::int8, ${slotMs}::int8) = 0) as on_grid,
           exists (select 1 from irregular_candles x
                    where x.series_id = ${series.id} and x.open_time >= ${new Date(range.from)} and x.open_time < ${new Date(range.to)}
                      and x.close_time is not null) as odd
      from candle_data where series_id = ${series.id} and open_time >= ${new Date(range.from)} and open_time < ${new Date(range.to)}`.execute(db);
  const row = r.rows[0];
  const slots = countSlots(interval, range.from, range.to);
  return row !== undefined && !row.odd && toMs(row.n) === slots && toMs(row.on_grid) === slots;
}
