import { allDone } from '../system/all-done.js';
import { postgresClaimStore } from '../db/claim-store.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import { reloadSeries, setWatermark } from '../db/series-repository.js';
import type { Range, Series } from '../domain.js';
import { subtractRanges } from '../planner/ranges.js';
import type { SeriesResult } from '../runlog/run-log.js';
import type { CandleSource } from './candle-source.js';
import { collectSeries, type CollectJob } from './collect-series.js';
import { spreadStart, type ShareOptions } from './claimed-work.js';
import { unlistedError } from './planned-jobs.js';
import type { EmitRunEvent } from '../events/run-events.js';

/**
 * Why a series is skipped: another run holds it alone (refetch, untrack --purge, gaps --recheck), or — for a run that
 * needs it alone — others are collecting it (runs that collect a series share it).
 */
export const BUSY_ELSEWHERE = 'skipped: another cryptocollect process has this series to itself right now (refetch, untrack --purge or gaps --recheck)';
export const SHARED_ELSEWHERE = 'skipped: another cryptocollect process is collecting this series right now';

/** How the exchange lists a symbol now: trading, listed but not trading (halted, delisting), or not at all. */
export type Listing = 'trading' | 'listed' | 'unlisted';

export interface LockedCollectOptions {
  readonly handle: Pick<DatabaseHandle, 'db' | 'lockSeries' | 'kind'>;
  /** The source that has the last word: it proves the watermark (REST, unless the run asked for the archive only). */
  readonly source: CandleSource;
  /**
   * Sources asked first, in turn, each over what is missing when its turn comes (the archive before REST): a series
   * is planned again after each, so the next asks only for what the one before left missing.
   */
  readonly before?: readonly CandleSource[];
  readonly concurrency: number;
  readonly stop: AbortSignal;
  readonly emit: EmitRunEvent;
  readonly listing: (symbol: string) => Listing;
  /**
   * The run takes its series alone (refetch: it deletes before it fetches): other runs skip them meanwhile. Default:
   * on PostgreSQL the series are shared with the other runs collecting them, by claims of page ranges.
   */
  readonly alone?: boolean;
}

/**
 * A series' job once an earlier pass stored `stored`: what is still missing. Its head (nothing stored before its
 * first missing range) stays one only if nothing was stored before what is now its first missing range.
 */
function lessStored(job: CollectJob, stored: readonly Range[]): CollectJob {
  const missing = subtractRanges(job.missing, stored);
  const head = job.head === true && missing[0] !== undefined && missing[0].from === job.missing[0]?.from;
  const { head: _head, ...rest } = job;
  return { ...rest, missing, ...(head ? { head } : {}) };
}

/** One series' results of several passes as one: what each wrote and asked adds up; the last pass says how it ended. */
function mergeResults(earlier: readonly SeriesResult[], last: readonly SeriesResult[]): SeriesResult[] {
  const key = (r: SeriesResult): string => `${r.symbol} ${r.interval}`;
  const before = new Map<string, SeriesResult[]>();
  for (const r of earlier) before.set(key(r), [...(before.get(key(r)) ?? []), r]);
  return last.map((r) =>
    (before.get(key(r)) ?? []).reduce(
      (m, e) => ({ ...m, candles_written: m.candles_written + e.candles_written, requests: m.requests + e.requests, quality_findings: m.quality_findings + e.quality_findings }),
      r,
    ),
  );
}

/**
 * The collecting part every fetching command shares. Locks the series against other processes and plans each one
 * only once it holds its lock, from the series as it is then (a run that does not get a series never changes it).
 * On PostgreSQL the lock is shared by the runs collecting a series, which split its pages by claims
 * (collect/claimed-work.ts: two runs never fetch the same range, and one that finds the rest claimed waits for it
 * to be done, or taken over from a run that died); a series another run holds alone (refetch, untrack --purge,
 * gaps --recheck) is skipped, not waited for. A series whose symbol the exchange no longer lists fails without
 * being planned. Each source of `before` collects first what it has pages for (a series it has none for is left
 * out of its pass); then `source` collects what is still missing, and each series' watermark is set to what that
 * last pass proved — by its answers, or found stored by others under its claims (the earlier passes' candles are
 * stored, so it plans around them; a stretch they could not vouch for is its to prove). Each series is planned once,
 * from the database; what a pass stored is taken off its missing ranges for the next.
 */
export async function collectLocked(
  opts: LockedCollectOptions,
  series: readonly Series[],
  plan: (s: Series) => Promise<CollectJob>,
  onProgress?: (results: () => SeriesResult[]) => void,
  run?: { readonly id: number },
): Promise<SeriesResult[]> {
  const { db } = opts.handle;
  const ids = series.map((s) => s.id);
  const sharing = opts.handle.kind === 'postgres' && opts.alone !== true && run !== undefined ? run : null;
  const locks = await opts.handle.lockSeries(ids, sharing ? { shared: new Set(ids), runId: sharing.id } : {});
  try {
    const held = series.filter((s) => !locks.busy.has(s.id)).map((s) => s.id);
    const planAll = async (): Promise<CollectJob[]> => {
      const current = await retryTransient('reading the series', () => reloadSeries(db, held), { ...DEFAULT_DB_RETRY, signal: opts.stop });
      // Every series planned at once: a plan that reads its coverage through a batching reader (db/coverage-loader.ts)
      // then reads it with the others', where a hundred series one after another would be a few hundred round trips.
      // A failed read fails the run, once no other read is on its way.
      return allDone(
        series.map((s): Promise<CollectJob> => {
          const now = current.get(s.id);
          const listing = opts.listing(s.symbol);
          if (!now) return Promise.resolve({ series: s, missing: [], skip: opts.alone === true ? SHARED_ELSEWHERE : BUSY_ELSEWHERE });
          if (listing === 'unlisted') return Promise.resolve({ series: now, missing: [], error: unlistedError(s.symbol) });
          return plan(now).then((job) => ({ ...job, trading: listing === 'trading' }));
        }),
      );
    };
    const share: ShareOptions | null = sharing ? { store: postgresClaimStore(db, sharing.id), emit: opts.emit, startAt: spreadStart(sharing.id) } : null;
    const common = { db, concurrency: opts.concurrency, stop: opts.stop, emit: opts.emit };
    // Planned once: a pass stores only inside the missing ranges of the series this process holds, so what the next
    // pass lacks is what the one before left, known without reading the series again (a read of every stored candle:
    // seconds for a few years of `1m`). What other runs sharing a series stored meanwhile is found under the claims.
    let jobs = await planAll();
    let earlier: SeriesResult[] = [];
    for (const first of opts.before ?? []) {
      if (opts.stop.aborted) break;
      const mine = jobs.filter((j) => j.error === undefined && j.skip === undefined && first.countPages(j.series.interval, j.missing) > 0);
      if (mine.length === 0) continue;
      const done = earlier;
      const progress = onProgress ? { onProgress: (results: () => SeriesResult[]) => onProgress(() => [...done, ...results()]) } : {};
      // The earlier passes (the archive) are not shared by claims: a claim is a range of the source's pages, and one
      // archive file spans several missing ranges, which separate claims would each fetch. Runs sharing a series may
      // each import its archive files (no exchange weight; the rows are stored once); the pass that asks the exchange
      // is shared.
      const outcomes = await collectSeries({ ...common, source: first, ...progress }, mine);
      earlier = [...earlier, ...outcomes.map((o) => o.result)];
      const stored = new Map(mine.map((j, i) => [j, outcomes[i]?.stored ?? []]));
      jobs = jobs.map((j) => {
        const s = stored.get(j);
        return s === undefined || s.length === 0 ? j : lessStored(j, s);
      });
    }
    const done = earlier;
    const progress = onProgress ? { onProgress: (results: () => SeriesResult[]) => onProgress(() => mergeResults(done, results())) } : {};
    // Shared, each series' watermark is set as soon as it is done (other runs may be waiting for it to be); alone,
    // once every series is.
    // A source without claims of its own (the archive as the only source) is not shared either, for the same reason
    // (collectSeries refuses to share one).
    const shareLast = opts.source.claims === undefined ? null : share;
    const proving = shareLast ? { share: { ...shareLast, prove: (job: CollectJob, to: number) => setWatermark(db, job.series, to) } } : {};
    const outcomes = await collectSeries({ ...common, source: opts.source, ...progress, ...proving }, jobs);
    for (const [i, outcome] of outcomes.entries()) {
      const job = jobs[i];
      if (!shareLast && job && outcome.provenTo !== null) {
        const proven = outcome.provenTo;
        await retryTransient('recording progress', () => setWatermark(db, job.series, proven));
      }
    }
    return mergeResults(earlier, outcomes.map((o) => o.result));
  } finally {
    await locks.release();
  }
}
