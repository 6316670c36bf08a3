import type { Clock } from '../clock.js';
import { loadQuality } from '../db/quality-repository.js';
import { loadCandleSources } from '../db/provenance-repository.js';
import { retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import { listSeries, type SeriesFilter } from '../db/series-repository.js';
import { describeRange } from '../planner/describe-range.js';
import { detectGaps } from '../planner/detect-gaps.js';
import { loadCoverages } from '../db/coverage-repository.js';
import type { SeriesCoverage } from '../planner/series-coverage.js';
import { asReaped, reapAbandonedRuns } from '../runlog/reap-abandoned-runs.js';
import { listRuns, type RunRecord } from '../runlog/run-log.js';
import { listTracking } from '../db/tracking-repository.js';
import { latestRankings } from '../db/universe-repository.js';
import { trackingInfo, type TrackingInfo } from './series.js';
import { runStats, type RunStatsReport } from '../runlog/run-stats.js';

export interface SeriesStatus extends TrackingInfo {
  readonly symbol: string;
  readonly interval: string;
  readonly start_time: string;
  readonly first_open_time: string | null;
  readonly last_open_time: string | null;
  readonly candles: number;
  /** The stored candles by where they came from: archive files (sql/000010), or the REST klines endpoint. */
  readonly candles_by_source: { readonly archive: number; readonly rest: number };
  /** The archive files the archive's candles came from. */
  readonly archive_files: number;
  /** Candles stored plus candles missing in gaps: what the collected span should hold. */
  readonly candles_expected: number;
  /** candles / candles_expected (1 when nothing is expected yet). */
  readonly completeness: number;
  readonly gaps: number;
  readonly gap_candles: number;
  readonly exchange_empty_ranges: number;
  /** Up to where the series is collected (newest candle or exchange-empty answer), ISO 8601. */
  readonly collected_until: string;
  /** Seconds between collected_until and now (local clock). */
  readonly lag_seconds: number;
  /** Data-quality findings recorded at ingest (rules in planner/validate-page.ts). */
  readonly quality_findings: number;
  /** Share of stored candles that passed every data-quality rule (1 when none is stored). */
  readonly quality: number;
}

export interface StatusResult {
  readonly series: SeriesStatus[];
  readonly runs: RunRecord[];
  /** The runs of the last `window_seconds` (default 24 h): counts, success rate, durations, candles written. */
  readonly run_stats: RunStatsReport;
}

/** The window of `run_stats` unless told otherwise: the last 24 hours. */
export const DEFAULT_STATS_WINDOW_SECONDS = 86_400;

export interface StatusOptions {
  /**
   * Write the records of runs that ended without saying so (runlog/reap-abandoned-runs.ts). Off on a read-only
   * handle: they are then shown as reaping would record them, and left for the next writing command.
   */
  readonly reap?: boolean;
  /** The window of the run statistics, in seconds (default DEFAULT_STATS_WINDOW_SECONDS). */
  readonly windowSeconds?: number;
}

/**
 * What is stored, how complete it is, and the recent runs. Never calls the exchange. Every read is safe to repeat, so
 * each is retried through a database restart.
 */
export async function runStatus(db: Db, clock: Clock, filter: SeriesFilter, runLimit: number, unrecordedDir: string, opts: StatusOptions = {}): Promise<StatusResult> {
  const read = <T>(fn: () => Promise<T>): Promise<T> => retryTransient('reading the status', fn);
  const series: SeriesStatus[] = [];
  const tracking = new Map((await read(() => listTracking(db, filter))).map((t) => [t.series.id, t]));
  const rankings = await read(() => latestRankings(db));
  const listed = await read(() => listSeries(db, filter));
  // Every series' coverage in a few statements, not three per series.
  const coverages = await read(() => loadCoverages(db, listed.map((s) => ({ series: s }))));
  for (const [i, s] of listed.entries()) {
    const t = tracking.get(s.id);
    const cov = coverages[i] as SeriesCoverage;
    const report = detectGaps(cov);
    const gapSizes = report.gaps.map((r) => describeRange(s.interval, r).candles).filter((n) => n > 0);
    const gapCandles = gapSizes.reduce((n, c) => n + c, 0);
    const expected = cov.candleCount + gapCandles;
    const quality = await read(() => loadQuality(db, s.id));
    const sources = await read(() => loadCandleSources(db, s.id));
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
    series.push({
      symbol: s.symbol,
      interval: s.interval,
      start_time: new Date(s.startTime).toISOString(),
      first_open_time: iso(cov.firstOpen),
      last_open_time: iso(cov.lastOpen),
      candles: cov.candleCount,
      candles_by_source: { archive: sources.archive, rest: cov.candleCount - sources.archive },
      archive_files: sources.archiveFiles,
      candles_expected: expected,
      completeness: expected === 0 ? 1 : Math.floor((cov.candleCount / expected) * 1e6) / 1e6,
      gaps: gapSizes.length,
      gap_candles: gapCandles,
      exchange_empty_ranges: report.exchangeEmpty.filter((r) => describeRange(s.interval, r).candles > 0).length,
      collected_until: new Date(report.collectedEnd).toISOString(),
      lag_seconds: Math.max(0, Math.round((clock.now() - report.collectedEnd) / 1000)),
      quality_findings: quality.findings,
      quality: cov.candleCount === 0 ? 1 : Math.floor((1 - quality.flaggedCandles / cov.candleCount) * 1e6) / 1e6,
      ...(t ? trackingInfo(t, rankings) : { state: 'active', tracked_by: 'name', universe_id: null, universe_rank: null, universe_quote_volume: null }),
    });
  }
  const stats = (): Promise<RunStatsReport> => read(() => runStats(db, opts.windowSeconds ?? DEFAULT_STATS_WINDOW_SECONDS));
  if (opts.reap ?? true) {
    // Idempotent updates guarded by the run's status: safe to repeat.
    await read(() => reapAbandonedRuns(db, unrecordedDir));
    return { series, runs: await read(() => listRuns(db, runLimit)), run_stats: await stats() };
  }
  const runs = await read(() => listRuns(db, runLimit));
  return { series, runs: await read(() => asReaped(db, runs, unrecordedDir)), run_stats: await stats() };
}
