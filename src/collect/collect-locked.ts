import type { DatabaseHandle } from '../db/open-database.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import { reloadSeries, setWatermark } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import type { SeriesResult } from '../runlog/run-log.js';
import type { CandleSource } from './candle-source.js';
import { collectSeries, type CollectJob } from './collect-series.js';
import { unlistedError } from './planned-jobs.js';
import type { EmitRunEvent } from '../events/run-events.js';

export const BUSY_ELSEWHERE = 'skipped: another cryptocollect process is collecting this series right now';

/** How the exchange lists a symbol now: trading, listed but not trading (halted, delisting), or not at all. */
export type Listing = 'trading' | 'listed' | 'unlisted';

export interface LockedCollectOptions {
  readonly handle: Pick<DatabaseHandle, 'db' | 'lockSeries'>;
  readonly source: CandleSource;
  readonly concurrency: number;
  readonly stop: AbortSignal;
  readonly emit: EmitRunEvent;
  readonly listing: (symbol: string) => Listing;
}

/**
 * The collecting part every fetching command shares. Locks the series against other processes and plans each one
 * only once it holds its lock, from the series as it is then (so two runs never plan the same pages, and a run
 * that does not get a series never changes it). A series busy elsewhere is skipped, not waited for. A series whose
 * symbol the exchange no longer lists fails without being planned. Once collected, each series' watermark is set to
 * what this run proved.
 */
export async function collectLocked(
  opts: LockedCollectOptions,
  series: readonly Series[],
  plan: (s: Series) => Promise<CollectJob>,
  onProgress?: (results: () => SeriesResult[]) => void,
): Promise<SeriesResult[]> {
  const { db } = opts.handle;
  const locks = await opts.handle.lockSeries(series.map((s) => s.id));
  try {
    const held = series.filter((s) => !locks.busy.has(s.id)).map((s) => s.id);
    const current = await retryTransient('reading the series', () => reloadSeries(db, held), { ...DEFAULT_DB_RETRY, signal: opts.stop });
    const jobs: CollectJob[] = [];
    for (const s of series) {
      const now = current.get(s.id);
      const listing = opts.listing(s.symbol);
      if (!now) jobs.push({ series: s, missing: [], skip: BUSY_ELSEWHERE });
      else if (listing === 'unlisted') jobs.push({ series: now, missing: [], error: unlistedError(s.symbol) });
      else jobs.push({ ...(await plan(now)), trading: listing === 'trading' });
    }
    const outcomes = await collectSeries(
      { db, source: opts.source, concurrency: opts.concurrency, stop: opts.stop, emit: opts.emit, ...(onProgress ? { onProgress } : {}) },
      jobs,
    );
    for (const [i, outcome] of outcomes.entries()) {
      const job = jobs[i];
      if (job && outcome.provenTo !== null) {
        const proven = outcome.provenTo;
        await retryTransient('recording progress', () => setWatermark(db, job.series, proven));
      }
    }
    return outcomes.map((o) => o.result);
  } finally {
    await locks.release();
  }
}
