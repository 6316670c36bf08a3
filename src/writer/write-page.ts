import type { Kysely } from 'kysely';
import type { Range, Series } from '../domain.js';
import type { Database } from '../db/schema.js';
import type { ArchiveProvenance } from '../collect/prepare-page.js';
import type { QualityFinding } from '../planner/validate-page.js';
import type { CandleColumns } from './candle-columns.js';
import { isCopyRows, type CandleCopyRows } from './candle-copy-rows.js';
import { isUniqueViolation, runPageStatement } from './page-statement.js';
import { unnestColumns } from './unnest-columns.js';
import { writeCopyRows } from './write-copy-rows.js';

export interface PageWrite {
  /** COPY rows (a REST page, an archive file's), or columns (the page statement alone). */
  readonly candles: CandleColumns | CandleCopyRows;
  /** Parts of the answered range where the exchange has no candle. */
  readonly empties: readonly Range[];
  readonly findings: readonly QualityFinding[];
  /** The archive file the candles come from, recorded in the same statement (absent: from REST). */
  readonly provenance?: ArchiveProvenance;
  /**
   * Open times in which the run deleted, before its first page, the irregular rows that belong to no stored candle
   * (writer/clear-orphaned-irregular.ts), and that no other run writes to: a page within them need not do it again.
   */
  readonly orphansCleared?: Range;
}

/**
 * Stores one answered page whole or not at all — its candles, the ranges in it where the exchange had none, and its
 * data-quality findings — idempotently (a page stored twice changes nothing), so a run killed at any instant loses at
 * most the pages in flight and the next run simply asks for them again. Returns the number of candles that were not
 * stored before.
 *
 * A page of COPY rows (REST's and the archive's pages: writer/rest-copy-rows.ts, writer/candle-copy-rows.ts) is
 * copied in one transaction with the page statement's other parts (writer/write-copy-rows.ts). A page of columns
 * goes in one statement, its candles through `unnest` of a dozen parameters whatever the page size.
 */
export async function writePage(db: Kysely<Database>, series: Pick<Series, 'id' | 'interval'>, page: PageWrite): Promise<number> {
  const { candles } = page;
  // A file that gave nothing (not published) leaves nothing to copy: no transaction for it.
  const write = isCopyRows(candles)
    ? candles.count > 0
      ? (skipStored: boolean) => writeCopyRows(db, series, page, candles, skipStored)
      : (skipStored: boolean) => runPageStatement(db, series, page, null, skipStored)
    : (skipStored: boolean) => runPageStatement(db, series, page, { rows: unnestColumns(candles), materialize: true, span: null, count: candles.count }, skipStored);
  // The planner asks only for what is missing and a range has one writer at a time, so a page's candles are new
  // but for a write retried after its commit went unacknowledged. A plain insert is then the fast path (ON CONFLICT
  // checks cost a quarter of the statement); the statement that skips stored candles runs only if it fails on one.
  try {
    return await write(false);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return write(true);
  }
}
