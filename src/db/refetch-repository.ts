import { subtractRanges } from '../planner/ranges.js';
import { sql, type Kysely } from 'kysely';
import type { Range, Series } from '../domain.js';
import type { Database } from './schema.js';

/** What deleting a range of a series removes (or, counted beforehand, would remove). */
export interface RangeCounts {
  readonly candles: number;
  /** Candles among them with irregular values (irregular_candles rows). */
  readonly irregular: number;
  /** Exchange-empty ranges reaching into the range (their parts outside it are kept). */
  readonly exchange_empty: number;
  readonly quality_findings: number;
}

const count = (v: unknown): number => Number(v ?? 0);

/** What deleteSeriesRange would delete, read without writing (a dry run). */
export async function countSeriesRange(db: Kysely<Database>, series: Pick<Series, 'id'>, range: Range): Promise<RangeCounts> {
  const from = new Date(range.from);
  const to = new Date(range.to);
  const r = await sql<{ candles: unknown; irregular: unknown; empties: unknown; findings: unknown }>`
    select (select count(*) from candle_data where series_id = ${series.id} and open_time >= ${from} and open_time < ${to}) as candles,
           (select count(*) from irregular_candles where series_id = ${series.id} and open_time >= ${from} and open_time < ${to}) as irregular,
           (select count(*) from exchange_empty where series_id = ${series.id} and from_time < ${to} and to_time > ${from}) as empties,
           (select count(*) from quality_findings where series_id = ${series.id} and open_time >= ${from} and open_time < ${to}) as findings`.execute(db);
  const row = r.rows[0];
  return { candles: count(row?.candles), irregular: count(row?.irregular), exchange_empty: count(row?.empties), quality_findings: count(row?.findings) };
}

/**
 * Deletes what a series holds in `range` (open times, half-open) — candles with their irregular values, quality
 * findings, exchange-empty ranges (one reaching past the range keeps its parts outside) — in one transaction, one
 * set-based statement per table by (series_id, open_time range): never through the `candles` view's per-row
 * trigger. Under the series' lock.
 *
 * The deleted ground must not stay vouched for: when the series holds candles after the range, its watermark goes
 * back to the range's start, so `forward` fetches it again (and `gaps` reports it, lying before the newest candle).
 * With nothing after it, the watermark is left where it was: `gaps` reports the range up to there, and `forward`
 * trusts a watermark only up to the newest stored candle (collect/vouched-watermark.ts), so it fetches it too.
 */
/** What of `r` lies outside `cut`: the parts a range reaching past the deleted span keeps. */
const partsOutside = (r: Range, cut: Range): Range[] => subtractRanges([r], [cut]);

/** Deletes a series' rows of `table` opening in `range`, set-based; the count of rows deleted. */
async function deleteOpenTimes(trx: Kysely<Database>, table: 'quality_findings' | 'irregular_candles' | 'candle_data', seriesId: number, range: Range): Promise<number> {
  const gone = await trx
    .deleteFrom(table)
    .where('series_id', '=', seriesId)
    .where('open_time', '>=', new Date(range.from))
    .where('open_time', '<', new Date(range.to))
    .executeTakeFirst();
  return Number(gone.numDeletedRows);
}

export async function deleteSeriesRange(db: Kysely<Database>, series: Pick<Series, 'id'>, range: Range): Promise<RangeCounts> {
  const from = new Date(range.from);
  const to = new Date(range.to);
  return db.transaction().execute(async (trx) => {
    const findings = await deleteOpenTimes(trx, 'quality_findings', series.id, range);
    const gone = await sql<{ from_ms: unknown; to_ms: unknown }>`
      delete from exchange_empty where series_id = ${series.id} and from_time < ${to} and to_time > ${from}
      returning (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms`.execute(trx);
    const keep = gone.rows.flatMap((r) => partsOutside({ from: Number(r.from_ms), to: Number(r.to_ms) }, range));
    if (keep.length > 0) {
      await trx
        .insertInto('exchange_empty')
        .values(keep.map((k) => ({ series_id: series.id, from_time: new Date(k.from), to_time: new Date(k.to) })))
        .execute();
    }
    // The archive stretches the range cuts keep their parts outside it: what is fetched again comes from REST.
    const stretches = await sql<{ from_ms: unknown; to_ms: unknown; file_name: string; sha256: string; file_rows: number }>`
      delete from archive_provenance where series_id = ${series.id} and from_time < ${to} and to_time > ${from}
      returning (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms,
                file_name, sha256, file_rows`.execute(trx);
    const kept = stretches.rows.flatMap((r) =>
      partsOutside({ from: Number(r.from_ms), to: Number(r.to_ms) }, range).map((k) => ({
        series_id: series.id,
        file_name: r.file_name,
        sha256: r.sha256,
        file_rows: r.file_rows,
        from_time: new Date(k.from),
        to_time: new Date(k.to),
      })),
    );
    if (kept.length > 0) await trx.insertInto('archive_provenance').values(kept).execute();
    const irregular = await deleteOpenTimes(trx, 'irregular_candles', series.id, range);
    const candles = await deleteOpenTimes(trx, 'candle_data', series.id, range);
    await sql`
      update series set collected_until = ${from}
       where id = ${series.id}
         and coalesce(collected_until, start_time) > ${from}
         and exists (select 1 from candle_data where series_id = ${series.id} and open_time >= ${to})`.execute(trx);
    return {
      candles,
      irregular,
      exchange_empty: gone.rows.length,
      quality_findings: findings,
    };
  });
}

/** Whether the series stores a candle opening before `at`: one index lookup. */
export async function storesBefore(db: Kysely<Database>, series: Pick<Series, 'id'>, at: number): Promise<boolean> {
  const r = await sql<{ one: unknown }>`select 1 as one from candle_data where series_id = ${series.id} and open_time < ${new Date(at)} limit 1`.execute(db);
  return r.rows.length > 0;
}
