import type { Range, SeriesKey } from '../domain.js';
import { describeRange, type RangeSummary } from '../planner/describe-range.js';
import type { CandleSource } from './candle-source.js';

/** One series as a dry run sees it: what the real run would fetch, or why it would not. */
export interface PlannedJob {
  readonly series: SeriesKey;
  readonly missing: readonly Range[];
  /** Set when the run would fail the series without fetching (its symbol is no longer listed). */
  readonly error?: string;
  /** Requests beyond the pages: second looks that confirm a stretch shown empty (before a listing). */
  readonly confirms?: number;
}

export interface SeriesPlan {
  readonly symbol: string;
  readonly interval: string;
  /** `fetch`: it has missing candles; `current`: nothing to fetch; `failed`: the run would fail it (see `error`). */
  readonly status: 'fetch' | 'current' | 'failed';
  readonly error: string | null;
  readonly ranges: readonly RangeSummary[];
  readonly candles: number;
  readonly requests: number;
  readonly weight: number;
}

/** The `--dry-run` document: what a fetching command would do, with nothing written. */
export interface RunPlan {
  readonly dry_run: true;
  readonly command: string;
  readonly server_time: string;
  readonly series: readonly SeriesPlan[];
  /** Series with candles to fetch. */
  readonly series_to_fetch: number;
  readonly ranges: number;
  readonly candles: number;
  /** Every request the run would make, and their weight: its exchangeInfo (…) and its pages. */
  readonly requests: number;
  readonly weight: number;
  /** What this dry run spent at the exchange: the run's exchangeInfo (…), and one look per series with nothing stored. */
  readonly dry_run_requests: number;
  readonly dry_run_weight: number;
  /** The weight budget the exchange advertised, per window. */
  readonly budget: { readonly weight: number; readonly window_seconds: number };
  /**
   * The least time the advertised budget allows for the run's weight: what fits in the current window goes at once,
   * the rest at the budget's rate. Latency and the database may make the run longer; the budget never makes it
   * shorter.
   */
  readonly estimated_seconds: number;
}

export interface PlanInputs {
  readonly command: string;
  readonly serverTime: number;
  /** What the run spends before its pages, as the dry run did (exchangeInfo…). */
  readonly setup: { readonly requests: number; readonly weight: number };
  /** What the dry run spent in all. */
  readonly spent: { readonly requests: number; readonly weight: number };
  readonly budget: { readonly limit: number; readonly windowMs: number };
}

/** Counts pages as the source plans them: one request per page, a page's weight each. */
export function planRun(source: Pick<CandleSource, 'countPages' | 'pageWeight'>, jobs: readonly PlannedJob[], inputs: PlanInputs): RunPlan {
  const series = jobs.map((j): SeriesPlan => {
    const ranges = j.error === undefined ? j.missing.map((r) => describeRange(j.series.interval, r)).filter((r) => r.candles > 0) : [];
    const requests = ranges.length === 0 ? 0 : source.countPages(j.series.interval, j.missing) + (j.confirms ?? 0);
    return {
      symbol: j.series.symbol,
      interval: j.series.interval,
      status: j.error !== undefined ? 'failed' : ranges.length > 0 ? 'fetch' : 'current',
      error: j.error ?? null,
      ranges,
      candles: ranges.reduce((n, r) => n + r.candles, 0),
      requests,
      weight: requests * source.pageWeight,
    };
  });
  const pages = series.reduce((n, s) => n + s.requests, 0);
  const weight = inputs.setup.weight + series.reduce((n, s) => n + s.weight, 0);
  const { limit, windowMs } = inputs.budget;
  return {
    dry_run: true,
    command: inputs.command,
    server_time: new Date(inputs.serverTime).toISOString(),
    series,
    series_to_fetch: series.filter((s) => s.status === 'fetch').length,
    ranges: series.reduce((n, s) => n + s.ranges.length, 0),
    candles: series.reduce((n, s) => n + s.candles, 0),
    requests: inputs.setup.requests + pages,
    weight,
    dry_run_requests: inputs.spent.requests,
    dry_run_weight: inputs.spent.weight,
    budget: { weight: limit, window_seconds: windowMs / 1000 },
    estimated_seconds: Math.ceil((Math.max(0, weight - limit) / limit) * (windowMs / 1000)),
  };
}
