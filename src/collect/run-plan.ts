import type { Range, SeriesKey } from '../domain.js';
import { describeRange, type RangeSummary } from '../planner/describe-range.js';
import { subtractRanges } from '../planner/ranges.js';
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

/** An archive file a run would read, the stretch of its period it would fill (its parts' hull) and their candles. */
export interface PlannedArchiveFile extends RangeSummary {
  readonly file: string;
}

export interface SeriesPlan {
  readonly symbol: string;
  readonly interval: string;
  /** `fetch`: it has missing candles; `current`: nothing to fetch; `failed`: the run would fail it (see `error`). */
  readonly status: 'fetch' | 'current' | 'failed';
  readonly error: string | null;
  /** Every missing range, whichever source would fill it. */
  readonly ranges: readonly RangeSummary[];
  readonly candles: number;
  /** With `--source auto` or `archive`: the archive files the run would read first (no exchange weight). */
  readonly archive: readonly PlannedArchiveFile[];
  /** What the exchange's REST endpoint would be asked for: the missing ranges the files would not fill. */
  readonly rest_ranges: readonly RangeSummary[];
  /** Exchange requests (REST pages, confirmations) and their weight; archive files are not counted. */
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
  /** Archive files the run would read, and the candles they should hold (assumed there: what one lacks goes to REST). */
  readonly archive_files: number;
  readonly archive_candles: number;
  /** Every exchange request the run would make, and their weight: its exchangeInfo (…) and its pages. */
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

export type PlanSource = Pick<CandleSource, 'countPages' | 'pageWeight' | 'planFiles'>;

/**
 * Counts pages as the sources plan them. A source of files (`before`: the archive, or `source` itself with
 * `--source archive`) takes what its files should hold, at no weight; the exchange's source is left the rest, one
 * request per page and a page's weight each.
 */
export function planRun(source: PlanSource, jobs: readonly PlannedJob[], inputs: PlanInputs, before: readonly PlanSource[] = []): RunPlan {
  const describe = (interval: string, rs: readonly Range[]): RangeSummary[] => rs.map((r) => describeRange(interval, r)).filter((r) => r.candles > 0);
  const series = jobs.map((j): SeriesPlan => {
    const { interval } = j.series;
    const ranges = j.error === undefined ? describe(interval, j.missing) : [];
    let left: readonly Range[] = ranges.length === 0 ? [] : j.missing;
    const archive: PlannedArchiveFile[] = [];
    for (const s of [...before, source]) {
      if (!s.planFiles || left.length === 0) continue;
      const files = s.planFiles(j.series, left);
      for (const f of files) {
        const parts = describe(interval, f.parts);
        const first = parts[0];
        const last = parts[parts.length - 1];
        if (first && last) archive.push({ file: f.file, from: first.from, to: last.to, candles: parts.reduce((n, p) => n + p.candles, 0) });
      }
      left = subtractRanges(left, files.flatMap((f) => f.parts));
    }
    const rest = source.planFiles ? [] : describe(interval, left);
    // A confirmation is the head's second look: still the exchange's to take if the files leave it the head.
    const confirms = rest.length > 0 && left[0]?.from === j.missing[0]?.from ? (j.confirms ?? 0) : 0;
    const requests = rest.length === 0 ? 0 : source.countPages(interval, left) + confirms;
    return {
      symbol: j.series.symbol,
      interval,
      status: j.error !== undefined ? 'failed' : ranges.length > 0 ? 'fetch' : 'current',
      error: j.error ?? null,
      ranges,
      candles: ranges.reduce((n, r) => n + r.candles, 0),
      archive,
      rest_ranges: rest,
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
    archive_files: series.reduce((n, s) => n + s.archive.length, 0),
    archive_candles: series.reduce((n, s) => n + s.archive.reduce((m, f) => m + f.candles, 0), 0),
    requests: inputs.setup.requests + pages,
    weight,
    dry_run_requests: inputs.spent.requests,
    dry_run_weight: inputs.spent.weight,
    budget: { weight: limit, window_seconds: windowMs / 1000 },
    estimated_seconds: Math.ceil((Math.max(0, weight - limit) / limit) * (windowMs / 1000)),
  };
}
