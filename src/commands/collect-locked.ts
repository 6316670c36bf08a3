import type { DatabaseHandle } from '../db/open-database.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import { reloadSeries, setWatermark } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import type { BinanceClient } from '../exchange/binance-client.js';
import type { ResolvedSymbols } from '../exchange/resolve-symbols.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { collectSeries, type CollectJob } from './collect-series.js';
import type { CommandContext } from './context.js';

export const BUSY_ELSEWHERE = 'skipped: another cryptocollect process is collecting this series right now';

/**
 * The collecting part every fetching command shares. Locks the series against other processes and plans each one
 * only once it holds its lock, from the series as it is then (so two runs never plan the same pages, and a run
 * that does not get a series never changes it). A series busy elsewhere is skipped with a note, not waited for. A
 * series whose symbol the exchange no longer lists fails without being planned. Once collected, each series'
 * watermark is set to what this run proved.
 */
export async function collectLocked(
  ctx: CommandContext,
  handle: DatabaseHandle,
  client: BinanceClient,
  resolved: Pick<ResolvedSymbols, 'unknown' | 'known'>,
  series: readonly Series[],
  plan: (s: Series) => Promise<CollectJob>,
  onProgress?: (results: () => SeriesResult[]) => void,
): Promise<SeriesResult[]> {
  const { db } = handle;
  const locks = await handle.lockSeries(series.map((s) => s.id));
  try {
    const held = series.filter((s) => !locks.busy.has(s.id)).map((s) => s.id);
    const current = await retryTransient('reading the series', () => reloadSeries(db, held), { ...DEFAULT_DB_RETRY, signal: ctx.stop });
    const jobs: CollectJob[] = [];
    for (const s of series) {
      const now = current.get(s.id);
      if (!now) {
        ctx.progress.note(`${s.symbol} ${s.interval}: ${BUSY_ELSEWHERE}`);
        jobs.push({ series: s, missing: [], skip: BUSY_ELSEWHERE });
      } else if (resolved.unknown.includes(s.symbol)) {
        jobs.push({ series: now, missing: [], error: `the exchange no longer lists ${s.symbol}` });
      } else {
        jobs.push({ ...(await plan(now)), trading: resolved.known.get(s.symbol)?.status === 'TRADING' });
      }
    }
    const outcomes = await collectSeries(
      { db, client, concurrency: ctx.config.concurrency, stop: ctx.stop, progress: ctx.progress, ...(onProgress ? { onProgress } : {}) },
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
