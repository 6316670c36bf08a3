import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Range, Series } from '../domain.js';
import type { SeriesCoverage } from '../planner/series-coverage.js';
import { addSlots, alignDown, countSlots } from '../planner/intervals.js';
import { allDone } from '../system/all-done.js';
import { oneByOneIfRefused } from './one-by-one-if-refused.js';

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
  const bounds = await sql<BoundsRow>`
    select b.n,
           (extract(epoch from b.first_open) * 1000)::int8 as first_open,
           (extract(epoch from b.last_open) * 1000)::int8 as last_open,
           (extract(epoch from coalesce(x.close_time, candle_nominal_close(b.last_open, ${series.interval}::text))) * 1000)::int8 + 1 as last_end
      from (select count(*) as n, min(open_time) as first_open, max(open_time) as last_open
              from candle_data where series_id = ${series.id} and open_time >= ${since}${before}) b
      left join irregular_candles x on x.series_id = ${series.id} and x.open_time = b.last_open`.execute(db);
  const counted = countedFrom(bounds.rows[0]);
  return {
    startTime: from,
    ...counted,
    holes: counted.candleCount < 2 ? [] : await loadHoles(db, series, from, to),
    empties: await loadEmpties(db, series.id, from, to),
    watermark: series.collectedUntil,
  };
}

interface BoundsRow {
  readonly n: unknown;
  readonly first_open: unknown;
  readonly last_open: unknown;
  readonly last_end: unknown;
}

/** A series' stored candles as its bounds row counts them (none: no row). */
function countedFrom(b: BoundsRow | undefined): Pick<SeriesCoverage, 'candleCount' | 'firstOpen' | 'lastOpen' | 'candlesEnd'> {
  const candleCount = toMs(b?.n ?? 0);
  return {
    candleCount,
    firstOpen: candleCount > 0 ? toMs(b?.first_open) : null,
    lastOpen: candleCount > 0 ? toMs(b?.last_open) : null,
    candlesEnd: candleCount > 0 ? toMs(b?.last_end) : null,
  };
}

/** The holes between consecutive stored candles of a series from `from` (before `to`): one ordered index pass. */
async function loadHoles(db: Kysely<Database>, series: Series, from: number, to?: number): Promise<Range[]> {
  const since = new Date(from);
  const before = to === undefined ? sql`` : sql` and open_time < ${new Date(to)}`;
  // The window runs over candle_data alone, in index order; the few irregular close times are joined after it. The
  // test is on timestamps, and only the holes are turned into epoch milliseconds: extract() gives a numeric, and
  // computing two of them for every row was most of the statement (status on the embedded headline's 732,000
  // candles: 1.5–1.9 s of it, 1.0 s this way). Stored times are whole milliseconds, so `next open > close + 1 ms`
  // is the same test as on the milliseconds.
  const rows = await sql<{ from_ms: unknown; to_ms: unknown }>`
    select (extract(epoch from h.close_at) * 1000)::int8 + 1 as from_ms,
           (extract(epoch from h.next_open) * 1000)::int8 as to_ms
      from (select coalesce(x.close_time, candle_nominal_close(t.open_time, ${series.interval}::text)) as close_at, t.next_open
              from (select open_time, lead(open_time) over (order by open_time) as next_open
                      from candle_data where series_id = ${series.id} and open_time >= ${since}${before}) t
              left join irregular_candles x on x.series_id = ${series.id} and x.open_time = t.open_time) h
     where h.next_open > h.close_at + interval '1 millisecond'
     order by h.next_open`.execute(db);
  return rows.rows.map((r): Range => ({ from: toMs(r.from_ms), to: toMs(r.to_ms) }));
}

/** One series' coverage asked of loadCoverages: from `from` on (default: the series start). */
export interface CoverageWant {
  readonly series: Series;
  readonly from?: number;
}

/**
 * The coverage of many series at once, as loadCoverage reads each: their bounds in one statement and their
 * exchange-empty ranges in another, then the holes of those with two candles or more. Planning a hundred series one
 * by one is some three hundred round trips, the better part of a run's start-up when several workers start together.
 */
export async function loadCoverages(db: Kysely<Database>, wants: readonly CoverageWant[]): Promise<SeriesCoverage[]> {
  if (wants.length === 0) return [];
  return oneByOneIfRefused(
    () => coveragesAtOnce(db, wants),
    () => allDone(wants.map((w) => loadCoverage(db, w.series, w.from))),
  );
}

async function coveragesAtOnce(db: Kysely<Database>, wants: readonly CoverageWant[]): Promise<SeriesCoverage[]> {
  const ids = wants.map((w) => w.series.id);
  const intervals = wants.map((w) => w.series.interval);
  const froms = wants.map((w) => new Date(w.from ?? w.series.startTime).toISOString());
  const want = sql`unnest(${ids}::int4[], ${intervals}::text[], ${froms}::timestamptz[]) with ordinality as w(series_id, interval, since, i)`;
  const bounds = await sql<BoundsRow & { i: unknown }>`
    select w.i, b.n,
           (extract(epoch from b.first_open) * 1000)::int8 as first_open,
           (extract(epoch from b.last_open) * 1000)::int8 as last_open,
           (extract(epoch from coalesce(x.close_time, candle_nominal_close(b.last_open, w.interval))) * 1000)::int8 + 1 as last_end
      from ${want}
     cross join lateral (select count(*) as n, min(open_time) as first_open, max(open_time) as last_open
                           from candle_data c where c.series_id = w.series_id and c.open_time >= w.since) b
      left join irregular_candles x on x.series_id = w.series_id and x.open_time = b.last_open`.execute(db);
  const empties = await sql<{ i: unknown; from_ms: unknown; to_ms: unknown }>`
    select w.i, (extract(epoch from e.from_time) * 1000)::int8 as from_ms, (extract(epoch from e.to_time) * 1000)::int8 as to_ms
      from ${want}
      join exchange_empty e on e.series_id = w.series_id and e.to_time > w.since
     order by w.i, e.from_time`.execute(db);
  const emptiesOf = new Map<number, Range[]>();
  for (const r of empties.rows) {
    const i = toMs(r.i) - 1;
    emptiesOf.set(i, [...(emptiesOf.get(i) ?? []), { from: toMs(r.from_ms), to: toMs(r.to_ms) }]);
  }
  const boundsOf = new Map(bounds.rows.map((r) => [toMs(r.i) - 1, r]));
  // The holes, a pass over each series' rows, side by side on the pool's connections.
  return allDone(
    wants.map(async (w, i): Promise<SeriesCoverage> => {
      const from = w.from ?? w.series.startTime;
      const counted = countedFrom(boundsOf.get(i));
      return {
        startTime: from,
        ...counted,
        holes: counted.candleCount < 2 ? [] : await loadHoles(db, w.series, from),
        empties: emptiesOf.get(i) ?? [],
        watermark: w.series.collectedUntil,
      };
    }),
  );
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

/** The end of each series' newest stored candle, as newestCandleEnd finds one's: one statement for them all. */
export async function newestCandleEnds(db: Kysely<Database>, series: ReadonlyArray<Pick<Series, 'id' | 'interval'>>): Promise<Array<number | null>> {
  if (series.length === 0) return [];
  return oneByOneIfRefused(
    () => newestEndsAtOnce(db, series),
    () => allDone(series.map((s) => newestCandleEnd(db, s))),
  );
}

async function newestEndsAtOnce(db: Kysely<Database>, series: ReadonlyArray<Pick<Series, 'id' | 'interval'>>): Promise<Array<number | null>> {
  const r = await sql<{ i: unknown; end_ms: unknown }>`
    select w.i, (extract(epoch from coalesce(x.close_time, candle_nominal_close(c.open_time, w.interval))) * 1000)::int8 + 1 as end_ms
      from unnest(${series.map((s) => s.id)}::int4[], ${series.map((s) => s.interval)}::text[]) with ordinality as w(series_id, interval, i)
     cross join lateral (select open_time from candle_data d where d.series_id = w.series_id order by open_time desc limit 1) c
      left join irregular_candles x on x.series_id = w.series_id and x.open_time = c.open_time`.execute(db);
  const ends = new Map(r.rows.map((row) => [toMs(row.i) - 1, toMs(row.end_ms)]));
  return series.map((_, i) => ends.get(i) ?? null);
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
