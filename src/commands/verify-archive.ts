import pLimit from 'p-limit';
import { verifyArchiveFile, type FileVerdict } from '../archive/verify-archive-file.js';
import { candlePageEnd, readCandlePage, type ExportedCandle } from '../db/candle-export-repository.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { listProvenanceFiles } from '../db/provenance-repository.js';
import { retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import type { SeriesFilter } from '../db/series-repository.js';
import type { Range, Series } from '../domain.js';
import { archiveFetching, type CommandContext } from './context.js';
import { selectTracked } from './forward.js';

/** `gaps --verify`: every archive file the selected series' candles came from, checked against the archive now. */
export interface VerifyResult {
  readonly files: readonly FileVerdict[];
  readonly checked: number;
  readonly unchanged: number;
  readonly replaced: number;
  readonly unverified: number;
  /** Stored candles a replaced file now says otherwise about, in all. */
  readonly differing_rows: number;
}

/** Candles read from the store at a time while comparing: a page, so a month of `1s` is never held whole. */
const PAGE = 10_000;

function storedCandles(db: Db, series: Series): (ranges: readonly Range[]) => AsyncIterable<ExportedCandle> {
  return async function* (ranges) {
    for (const range of ranges) {
      for (let from = range.from; from < range.to; ) {
        const page = { from, to: range.to };
        const end = await retryTransient('reading the candles', () => candlePageEnd(db, series.id, page, PAGE));
        const bounded = { from, to: end ?? range.to };
        yield* await retryTransient('reading the candles', () => readCandlePage(db, series, bounded, PAGE));
        from = bounded.to;
      }
    }
  };
}

/**
 * Downloads again each archive file `archive_provenance` names for the selected series (their own concurrency, no
 * exchange weight: the archive is not the exchange), and compares. Reads only: a replaced file's values are
 * reported, never stored (`refetch` over its range takes the exchange's).
 */
export async function runVerify(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter): Promise<VerifyResult> {
  const series = await selectTracked(handle.db, filter);
  const http = archiveFetching(ctx);
  // Three files at a time, each holding its zip and a page of stored candles: the archive costs no weight.
  const limit = pLimit(3);
  const checks: Array<Promise<FileVerdict>> = [];
  for (const s of series) {
    const files = await retryTransient('reading the archive provenance', () => listProvenanceFiles(handle.db, s.id));
    for (const f of files) checks.push(limit(() => verifyArchiveFile(http, s, f, storedCandles(handle.db, s))));
  }
  const files = await Promise.all(checks);
  const count = (status: FileVerdict['status']): number => files.filter((f) => f.status === status).length;
  return {
    files,
    checked: files.length,
    unchanged: count('unchanged'),
    replaced: count('replaced'),
    unverified: count('unverified'),
    differing_rows: files.reduce((n, f) => n + f.differences.length, 0),
  };
}
