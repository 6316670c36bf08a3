import type { DatabaseHandle } from '../db/open-database.js';
import { retryTransient } from '../db/retry-transient.js';
import { advanceCollectedUntil } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { collectSeries, type CollectJob, type CollectOptions } from './collect-series.js';

export const BUSY_ELSEWHERE = 'skipped: another cryptocollect process is collecting this series right now';

/**
 * Locks the series against other processes, plans each one only once it holds its lock (so two runs never plan
 * the same pages), collects, and releases. A series busy elsewhere is skipped with a note, not waited for: the
 * other process is already bringing it up to date.
 */
export async function collectLocked(
  handle: DatabaseHandle,
  opts: Omit<CollectOptions, 'db'>,
  series: readonly Series[],
  plan: (s: Series) => Promise<CollectJob>,
): Promise<SeriesResult[]> {
  const locks = await handle.lockSeries(series.map((s) => s.id));
  try {
    const jobs: CollectJob[] = [];
    for (const s of series) {
      if (locks.busy.has(s.id)) {
        opts.progress.note(`${s.symbol} ${s.interval}: ${BUSY_ELSEWHERE}`);
        jobs.push({ series: s, missing: [], skip: BUSY_ELSEWHERE });
      } else {
        jobs.push(await plan(s));
      }
    }
    const results = await collectSeries({ ...opts, db: handle.db }, jobs);
    // A stopped run may have left pages unfetched although no series failed: only a run that went to the end
    // moves watermarks.
    if (!opts.stop.aborted) {
      for (const [i, job] of jobs.entries()) {
        const until = job.completesTo;
        if (results[i]?.status === 'success' && until !== undefined && until > job.series.collectedUntil) {
          await retryTransient('recording progress', () => advanceCollectedUntil(handle.db, job.series.id, until));
        }
      }
    }
    return results;
  } finally {
    await locks.release();
  }
}
