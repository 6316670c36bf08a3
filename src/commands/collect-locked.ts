import type { DatabaseHandle } from '../db/open-database.js';
import { retryTransient } from '../db/retry-transient.js';
import { advanceCollectedUntil } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import type { BinanceClient } from '../exchange/binance-client.js';
import type { ResolvedSymbols } from '../exchange/resolve-symbols.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { collectSeries, type CollectJob } from './collect-series.js';
import type { CommandContext } from './context.js';

export const BUSY_ELSEWHERE = 'skipped: another cryptocollect process is collecting this series right now';

/**
 * The collecting part every fetching command shares. Locks the series against other processes, plans each one
 * only once it holds its lock (so two runs never plan the same pages), collects, and releases. A series busy
 * elsewhere is skipped with a note, not waited for: the other process is already bringing it up to date. A
 * series whose symbol the exchange no longer lists fails without being planned.
 */
export async function collectLocked(
  ctx: CommandContext,
  handle: DatabaseHandle,
  client: BinanceClient,
  resolved: Pick<ResolvedSymbols, 'serverTime' | 'unknown'>,
  series: readonly Series[],
  plan: (s: Series) => Promise<CollectJob>,
): Promise<SeriesResult[]> {
  const opts = { db: handle.db, client, serverTime: resolved.serverTime, concurrency: ctx.config.concurrency, stop: ctx.stop, progress: ctx.progress };
  const locks = await handle.lockSeries(series.map((s) => s.id));
  try {
    const jobs: CollectJob[] = [];
    for (const s of series) {
      if (locks.busy.has(s.id)) {
        opts.progress.note(`${s.symbol} ${s.interval}: ${BUSY_ELSEWHERE}`);
        jobs.push({ series: s, missing: [], skip: BUSY_ELSEWHERE });
      } else if (resolved.unknown.includes(s.symbol)) {
        jobs.push({ series: s, missing: [], error: `the exchange no longer lists ${s.symbol}` });
      } else {
        jobs.push(await plan(s));
      }
    }
    const results = await collectSeries(opts, jobs);
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
