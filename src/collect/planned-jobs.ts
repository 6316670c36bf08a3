import pLimit from 'p-limit';
import type { Series } from '../domain.js';
import { clipRanges } from '../planner/ranges.js';
import { FOREVER } from '../planner/series-coverage.js';
import type { CandleSource } from './candle-source.js';
import type { Listing } from './collect-locked.js';
import type { CollectJob } from './collect-series.js';
import type { PlannedJob } from './run-plan.js';

export const unlistedError = (symbol: string): string => `the exchange no longer lists ${symbol}`;

/**
 * A dry run's jobs, made as collectLocked makes a run's (a series whose symbol the exchange no longer lists fails
 * unplanned) but without taking locks: the plan is of the database as it is now. A series with nothing stored
 * before its first missing range may begin later than asked (a listing after --since): where the source can tell,
 * one look finds its first candle, since a run's first answer skips to it and what lies before costs no page.
 */
export async function plannedJobs(
  series: readonly Series[],
  opts: { readonly listing: (symbol: string) => Listing; readonly source: Pick<CandleSource, 'firstOpenFrom'>; readonly concurrency: number },
  plan: (s: Series) => Promise<CollectJob>,
): Promise<PlannedJob[]> {
  const limit = pLimit(opts.concurrency);
  return Promise.all(
    series.map((s) =>
      limit(async (): Promise<PlannedJob> => {
        if (opts.listing(s.symbol) === 'unlisted') return { series: s, missing: [], error: unlistedError(s.symbol) };
        const job = await plan(s);
        const first = job.missing[0];
        if (!job.head || first === undefined || opts.source.firstOpenFrom === undefined) return job;
        const opens = await opts.source.firstOpenFrom(s, first.from);
        if (opens === null || opens <= first.from) return job;
        // The stretch before it is shown empty by the first answer, and confirmed by a second.
        return { ...job, missing: clipRanges(job.missing, { from: opens, to: FOREVER }), confirms: 1 };
      }),
    ),
  );
}
