import { sql, type Kysely } from 'kysely';
import type { Range, Series } from '../domain.js';
import { copyIn } from '../db/copy-in.js';
import { InternalError } from '../errors.js';
import type { Database } from '../db/schema.js';
import { DIRECT_COLUMNS, type CandleCopyRows, type CopyPieces } from './candle-copy-rows.js';
import type { CandleColumns } from './candle-columns.js';
import { hasPageParts, runPageStatement, type RowSource } from './page-statement.js';
import { stageCopyRows, STAGED_ROWS } from './stage-copy-rows.js';
import { unnestColumns } from './unnest-columns.js';
import { withoutStored } from './without-stored.js';
import { clearOrphanedIrregular, type OpenTimeSpan } from './clear-orphaned-irregular.js';
import type { PageWrite } from './write-page.js';

/**
 * Stores a page of COPY rows (a REST page's thousand candles, an archive file's tens of thousands) in one
 * transaction (a page of candles alone: its one COPY), so that it commits whole or not at all, with its
 * exchange-empty ranges, findings and provenance (writer/page-statement.ts).
 *
 * The direct rows — candles that fit candle_data's compact row, already in its form (writer/candle-copy-rows.ts):
 * nearly all — are copied straight into candle_data. That is a bulk load and nothing else, the least work the
 * database can do for them: an unnest of columns, or a staging table and an insert from it, cost it two to three
 * times as much. Two things can be in the way, and neither needs a temporary table:
 * - an irregular row left within the page's span by a delete straight from candle_data (sql/000008): it would lend
 *   its values to the candle stored in its place, so such rows (those with no candle_data row) are deleted first;
 * - a candle already stored: it fails the COPY whole (unique violation), and writePage (writer/write-page.ts) tries
 *   again with `skipStored`, which leaves out of the copy the lines of the candles stored within the span.
 *
 * The staged rows (those not seen to fit, nearly never) go through the page statement as before, in the same
 * transaction. Returns the number of candles that were not stored before.
 */
export async function writeCopyRows(db: Kysely<Database>, series: Pick<Series, 'id' | 'interval'>, page: PageWrite, rows: CandleCopyRows, skipStored: boolean): Promise<number> {
  // The rows name their series themselves: never let a page built for one be stored as another's.
  if (rows.seriesId !== series.id) throw new InternalError(`a page of series ${rows.seriesId} was to be stored as series ${series.id}`);
  const { direct, staged, span } = rows;
  // Nearly every REST page holds only direct rows: its COPY alone is its transaction, and the begin and commit around
  // it would be two more statements (on the embedded store, about 5 % of a page's time). The orphaned irregular
  // rows are deleted first, in a statement of its own: they belong to no candle, so removing them is right whether
  // or not the COPY then commits. A run that cleared them for the whole of what it collects (page.orphansCleared)
  // spares each page that statement: on the embedded store a tenth of a page's time.
  if (!skipStored && direct.count > 0 && span !== null && staged.count === 0 && !hasPageParts(page)) {
    if (!within(span, page.orphansCleared)) await clearOrphanedIrregular(db, series.id, span);
    await copyIn(db, 'candle_data', DIRECT_COLUMNS, direct.pieces, 'binary');
    return direct.count;
  }
  return db.transaction().execute(async (trx) => {
    let written = 0;
    if (direct.count > 0 && span !== null) {
      await clearOrphanedIrregular(trx, series.id, span);
      const copied = skipStored ? withoutStored(direct.pieces, await storedWithin(trx, series.id, span)) : direct;
      if (copied.count > 0) await copyIn(trx, 'candle_data', DIRECT_COLUMNS, copied.pieces, 'binary');
      written += copied.count;
    }
    return written + (await runPageStatement(trx, series, page, await stagedSource(trx, staged, span), skipStored));
  });
}

/** The staged rows as the page statement's row source: columns as parameters, or archive rows through the staging table. */
async function stagedSource(trx: Kysely<Database>, staged: CopyPieces | CandleColumns, span: OpenTimeSpan | null): Promise<RowSource | null> {
  if (staged.count === 0) return null;
  if ('pieces' in staged) {
    await stageCopyRows(trx, staged);
    return { rows: STAGED_ROWS, materialize: false, span, count: staged.count };
  }
  return { rows: unnestColumns(staged), materialize: true, span, count: staged.count };
}

/** The open times (epoch ms) of the series' candles stored within the span. */
async function storedWithin(trx: Kysely<Database>, seriesId: number, span: OpenTimeSpan): Promise<Set<number>> {
  const r = await sql<{ t: number }>`
    select (extract(epoch from open_time) * 1000)::float8 as t
      from candle_data
     where series_id = ${seriesId}::int4
       and open_time between ${new Date(span.first)}::timestamptz and ${new Date(span.last)}::timestamptz`.execute(trx);
  return new Set(r.rows.map((row) => Number(row.t)));
}

const within = (span: OpenTimeSpan, cleared: Range | undefined): boolean => cleared !== undefined && span.first >= cleared.from && span.last < cleared.to;
