import { sql, type Kysely } from 'kysely';
import type { Series } from '../domain.js';
import { copyIn } from '../db/copy-in.js';
import { InternalError } from '../errors.js';
import type { Database } from '../db/schema.js';
import { DIRECT_COLUMNS, type CandleCopyRows } from './candle-copy-rows.js';
import { runPageStatement } from './page-statement.js';
import { DIRECT_STAGED_ROWS, stageCopyRows, stageDirectRows, STAGED_ROWS } from './stage-copy-rows.js';
import type { PageWrite } from './write-page.js';

/**
 * Stores a page of COPY rows (an archive file's: up to tens of thousands of candles) in one transaction: it commits
 * whole or not at all, with its exchange-empty ranges, findings and provenance (writer/page-statement.ts).
 *
 * The direct rows — candles that fit candle_data's compact row, already in its form (writer/candle-copy-rows.ts):
 * nearly all — are copied straight into candle_data. That is a bulk load and nothing else, the least work the
 * database can do for them, where copying into a staging table and then inserting from it did about twice that.
 * Straight is the way when nothing can be in the way: the first attempt (writer/write-page.ts), and no irregular row
 * within the page's span. A candle already stored fails the COPY whole (unique violation), and writePage then tries
 * again with `skipStored`; an irregular row there — left by a delete straight from candle_data, sql/000008 — must
 * be cleared for each candle stored in its place. Either way the rows then go through a staging table and one
 * insert that skips stored candles and clears their irregular rows.
 *
 * The staged rows (those not seen to fit, nearly never) go through the page statement as before, in the same
 * transaction. Returns the number of candles that were not stored before.
 */
export async function writeCopyRows(db: Kysely<Database>, series: Pick<Series, 'id' | 'interval'>, page: PageWrite, rows: CandleCopyRows, skipStored: boolean): Promise<number> {
  // The rows name their series themselves: never let a page built for one be stored as another's.
  if (rows.seriesId !== series.id) throw new InternalError(`a page of series ${rows.seriesId} was to be stored as series ${series.id}`);
  return db.transaction().execute(async (trx) => {
    let written = 0;
    const { direct, staged, span } = rows;
    if (direct.count > 0 && span !== null) {
      const { pieces } = direct;
      if (!skipStored && !(await irregularWithin(trx, series.id, span))) {
        await copyIn(trx, 'candle_data', DIRECT_COLUMNS, pieces, 'commas');
        written += direct.count;
      } else {
        await stageDirectRows(trx, pieces);
        written += await insertStagedDirect(trx, series.id, span, skipStored);
      }
    }
    if (staged.count > 0) await stageCopyRows(trx, staged);
    const source = staged.count > 0 ? { rows: STAGED_ROWS, materialize: false, span, count: staged.count } : null;
    return written + (await runPageStatement(trx, series, page, source, skipStored));
  });
}

/** Whether irregular_candles holds a row of the series within the span: an index range that is nearly always empty. */
async function irregularWithin(trx: Kysely<Database>, seriesId: number, span: { first: number; last: number }): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    select exists (
      select 1 from irregular_candles
       where series_id = ${seriesId}::int4 and open_time between ${new Date(span.first)}::timestamptz and ${new Date(span.last)}::timestamptz
    ) as found`.execute(trx);
  return r.rows[0]?.found === true;
}

/**
 * The staged direct rows into candle_data (skipping stored ones with `skipStored`), and the irregular rows of the
 * candles stored cleared: each is regular, so the compact row alone gives it back.
 */
async function insertStagedDirect(trx: Kysely<Database>, seriesId: number, span: { first: number; last: number }, skipStored: boolean): Promise<number> {
  const columns = sql.raw(DIRECT_COLUMNS.join(', '));
  const r = await sql<{ written: unknown }>`
    with stored as (
      insert into candle_data (${columns})
      select ${columns} from ${DIRECT_STAGED_ROWS} order by open_time
      ${skipStored ? sql`on conflict (series_id, open_time) do nothing` : sql``}
      returning open_time
    ),
    cleared as (
      delete from irregular_candles x
       where x.series_id = ${seriesId}::int4
         and x.open_time between ${new Date(span.first)}::timestamptz and ${new Date(span.last)}::timestamptz
         and x.open_time in (select open_time from stored)
    )
    select count(*) as written from stored`.execute(trx);
  return Number(r.rows[0]?.written ?? 0);
}
