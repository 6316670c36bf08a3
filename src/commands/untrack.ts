import type { DatabaseHandle } from '../db/open-database.js';
import { retryTransient } from '../db/retry-transient.js';
import type { SeriesFilter } from '../db/series-repository.js';
import { purgeSeriesData, untrackSeries, type PurgeCounts } from '../db/tracking-repository.js';
import type { Series } from '../domain.js';
import { DatabaseError } from '../errors.js';
import { selectTracked } from './forward.js';

export interface UntrackOptions {
  readonly filter: SeriesFilter;
  /** Also delete the series' candles, exchange-empty ranges and quality findings (the CLI wants --yes for it). */
  readonly purge: boolean;
}

export interface UntrackResult {
  readonly untracked: ReadonlyArray<{ readonly symbol: string; readonly interval: string }>;
  /** What --purge deleted; null without it. */
  readonly purged: PurgeCounts | null;
}

/**
 * Stops `forward` from polling the selected series; their data stays unless `purge`. A later backfill of a series
 * tracks it again. Purging takes the series' locks first: a run collecting one of them right now would set its
 * watermark over candles just deleted, so that is refused (run it again once the other process is done).
 */
export async function runUntrack(handle: DatabaseHandle, opts: UntrackOptions): Promise<UntrackResult> {
  const { db } = handle;
  const series = await selectTracked(db, opts.filter);
  const ids = series.map((s) => s.id);
  const untracked = series.map((s) => ({ symbol: s.symbol, interval: s.interval }));
  if (!opts.purge) {
    // Idempotent: safe to repeat.
    await retryTransient('untracking the series', () => untrackSeries(db, ids, 'untrack'));
    return { untracked, purged: null };
  }
  // A failed attempt leaves no lock behind (its connection is dropped): safe to repeat.
  const locks = await retryTransient('locking the series', () => handle.lockSeries(ids));
  try {
    const busy: Series[] = series.filter((s) => locks.busy.has(s.id));
    if (busy.length > 0) {
      throw new DatabaseError(
        'series-busy',
        `${busy.map((s) => `${s.symbol} ${s.interval}`).join(', ')}: another cryptocollect process is collecting ${busy.length > 1 ? 'these series' : 'this series'}; run untrack --purge again once it is done`,
      );
    }
    await retryTransient('untracking the series', () => untrackSeries(db, ids, 'untrack'));
    // One transaction: all deleted or nothing, so repeating it is safe.
    const purged = await retryTransient('purging the series', () => purgeSeriesData(db, ids));
    return { untracked, purged };
  } finally {
    await locks.release();
  }
}
