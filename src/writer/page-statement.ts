import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Range, Series } from '../domain.js';
import type { Database } from '../db/schema.js';
import type { ArchiveProvenance } from '../collect/prepare-page.js';
import type { QualityFinding } from '../planner/validate-page.js';
import type { PageWrite } from './write-page.js';

import { INT4_MAX } from './candle-copy-rows.js';

/** Where a page's candles come from, for its statement. */
export interface RowSource {
  /** A row source with the columns o and c (open and close time in epoch ms), n (trades), op, hi, lo, cl, v, qv, tb, tq. */
  readonly rows: RawBuilder<unknown>;
  /** Computed once and kept for the statement's several parts (unnested parameters), or read again by each (a table). */
  readonly materialize: boolean;
  /** The first and last open time, when known: the bounds of the irregular rows to clear, without reading the rows. */
  readonly span: { readonly first: number; readonly last: number } | null;
  /** How many candles it holds. */
  readonly count: number;
}

/**
 * The page's one statement: its candles from `source` (null: none, or stored otherwise: writer/write-copy-rows.ts),
 * its exchange-empty ranges, findings and provenance. Returns the number of candles it stored.
 */
export async function runPageStatement(db: Kysely<Database>, series: Pick<Series, 'id' | 'interval'>, page: PageWrite, source: RowSource | null, skipStored: boolean): Promise<number> {
  const parts = [
    ...(source !== null && source.count > 0 ? candleParts(series, source, skipStored) : []),
    ...(page.empties.length > 0 ? [emptiesPart(series.id, page.empties)] : []),
    ...(page.findings.length > 0 ? [findingsPart(series.id, page.findings)] : []),
    ...(page.provenance && page.provenance.ranges.length > 0 ? [provenancePart(series.id, page.provenance)] : []),
  ];
  if (parts.length === 0) return 0;
  const written = source !== null && source.count > 0 ? sql`(select count(*) from stored)` : sql`0`;
  const result = await sql<{ written: unknown }>`with ${sql.join(parts)} select ${written} as written`.execute(db);
  return Number(result.rows[0]?.written ?? 0);
}

/** Whether the page has anything for the page statement besides candles: exchange-empty ranges, findings, provenance. */
export const hasPageParts = (page: PageWrite): boolean => page.empties.length > 0 || page.findings.length > 0 || (page.provenance !== undefined && page.provenance.ranges.length > 0);

/** The SQLSTATE is kept by the database boundary's translation (db/database-failure.ts) as `sqlstate`. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { sqlstate?: unknown; code?: unknown } | null;
  return (e?.sqlstate ?? e?.code) === '23505';
}

/**
 * Each column travels as one text parameter (candle-columns.ts): no per-element escaping in the driver. The compact
 * row (sql/000004, sql/000005) holds neither the close time nor a bigint trade count, and high, low and close as
 * their difference from open; the rare candle these don't give back exactly goes to irregular_candles too, with
 * just the values that differ.
 *
 * irregular_candles has no foreign key to candle_data (sql/000008): a row left behind by a delete straight from
 * candle_data must not lend its values to the candle stored again in its place. So a stored candle's irregular row
 * is written over (an irregular candle) or deleted (a regular one). Only candles this statement stored count: with
 * `skipStored`, those already there keep theirs. The delete looks within the page's open times only (an index range
 * holding no row, nearly always), and touches other keys than the insert, as one statement's parts must.
 */
function candleParts(series: Pick<Series, 'id' | 'interval'>, source: RowSource, skipStored: boolean): RawBuilder<unknown>[] {
  const { rows, materialize } = source;
  const onConflict = skipStored ? sql`on conflict (series_id, open_time) do nothing` : sql``;
  // Without skipStored the statement stores every candle of the page or fails whole.
  const fresh = skipStored ? sql`t join stored using (open_time)` : sql`t`;
  const bounds = source.span
    ? sql`${new Date(source.span.first)}::timestamptz and ${new Date(source.span.last)}::timestamptz`
    : sql`(select min(open_time) from t) and (select max(open_time) from t)`;
  return [
    // Columns unnested from parameters are computed once and kept (a CTE read by several parts); rows in a staging
    // table are read where each part needs them: keeping them too would write a month's rows to a temporary file.
    sql`t as ${materialize ? sql`materialized` : sql`not materialized`} (
      select open_time, close_time, n, op, hi, lo, cl, v, qv, tb, tq,
             close_time <> candle_nominal_close(open_time, ${series.interval}::text) or n > ${INT4_MAX}
               or scale(hi) < scale(op) or scale(lo) < scale(op) or scale(cl) < scale(op) as odd
        from (
          select 'epoch'::timestamptz + t.o * interval '1 millisecond' as open_time,
                 'epoch'::timestamptz + t.c * interval '1 millisecond' as close_time,
                 t.n, t.op, t.hi, t.lo, t.cl, t.v, t.qv, t.tb, t.tq
            from ${rows}
        ) t
    )`,
    sql`stored as (
      insert into candle_data (open_time, series_id, trades, open, high_minus_open, low_minus_open, close_minus_open,
                               volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume)
      select open_time, ${series.id}::int4, case when n <= ${INT4_MAX} then n::int4 end, op, hi - op, lo - op, cl - op,
             v, qv, tb, tq
        from t
      ${onConflict}
      returning open_time
    )`,
    sql`irregular as (
      insert into irregular_candles (series_id, open_time, close_time, trades, high, low, close)
      select ${series.id}::int4, open_time,
             nullif(close_time, candle_nominal_close(open_time, ${series.interval}::text)),
             case when n > ${INT4_MAX} then n end,
             case when scale(hi) < scale(op) then hi end,
             case when scale(lo) < scale(op) then lo end,
             case when scale(cl) < scale(op) then cl end
        from ${fresh}
       where odd
      on conflict (series_id, open_time) do update
        set close_time = excluded.close_time, trades = excluded.trades, high = excluded.high, low = excluded.low, close = excluded.close
    )`,
    sql`cleared as (
      delete from irregular_candles x
       where x.series_id = ${series.id}::int4
         and x.open_time between ${bounds}
         and x.open_time in (select open_time from ${fresh} where not odd)
    )`,
  ];
}

function emptiesPart(seriesId: number, empties: readonly Range[]): RawBuilder<unknown> {
  const rows = JSON.stringify(empties.map((r) => ({ f: r.from, t: r.to })));
  return sql`empty as (
    insert into exchange_empty (series_id, from_time, to_time)
    select ${seriesId}::int4, 'epoch'::timestamptz + e.f * interval '1 millisecond', 'epoch'::timestamptz + e.t * interval '1 millisecond'
      from json_to_recordset(${rows}::json) as e(f int8, t int8)
    on conflict (series_id, from_time) do update set to_time = greatest(exchange_empty.to_time, excluded.to_time)
  )`;
}

function findingsPart(seriesId: number, findings: readonly QualityFinding[]): RawBuilder<unknown> {
  // One statement may not update a row twice: the last finding of a candle and rule stands, as it did when each
  // was its own statement.
  const byKey = new Map(findings.map((f) => [`${f.openTime} ${f.rule}`, { o: f.openTime, rule: f.rule, detail: f.detail }]));
  const rows = JSON.stringify([...byKey.values()]);
  return sql`finding as (
    insert into quality_findings (series_id, open_time, rule, detail)
    select ${seriesId}::int4, 'epoch'::timestamptz + f.o * interval '1 millisecond', f.rule, f.detail
      from json_to_recordset(${rows}::json) as f(o int8, rule text, detail text)
    on conflict (series_id, open_time, rule) do update set detail = excluded.detail, found_at = now()
  )`;
}

/**
 * The stretches the page stored from an archive file (sql/000010), in the statement that stores the candles: a
 * page committed is a page whose provenance is known. Keyed by where a stretch starts, so storing it again (a
 * retried write, a file read again after a delete) says which file stored it last.
 */
function provenancePart(seriesId: number, p: ArchiveProvenance): RawBuilder<unknown> {
  const rows = JSON.stringify(p.ranges.map((r) => ({ f: r.from, t: r.to })));
  return sql`provenance as (
    insert into archive_provenance (series_id, from_time, to_time, file_name, sha256, file_rows)
    select ${seriesId}::int4, 'epoch'::timestamptz + r.f * interval '1 millisecond', 'epoch'::timestamptz + r.t * interval '1 millisecond',
           ${p.file}::text, ${p.sha256}::text, ${p.rows}::int4
      from json_to_recordset(${rows}::json) as r(f int8, t int8)
    on conflict (series_id, from_time) do update
      set to_time = excluded.to_time, file_name = excluded.file_name, sha256 = excluded.sha256, file_rows = excluded.file_rows, stored_at = now()
  )`;
}
