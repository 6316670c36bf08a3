import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import { runStatus } from '../commands/status.js';
import { retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import { REQUEST_OUTCOMES } from '../events/run-counters.js';
import { allowedLagSeconds, DEFAULT_GRACE_SECONDS } from '../health/max-lag.js';
import { lastRuns } from '../runlog/last-runs.js';

/** One sample: a metric's value for one set of labels. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  readonly samples: readonly Sample[];
}

type Def = Omit<MetricFamily, 'samples'>;

const gauge = (name: string, help: string, labelNames: readonly string[]): Def => ({ name, help, type: 'gauge', labelNames });

/**
 * Every metric the file holds, declared once (the README's table lists these). The last run's figures are gauges (each
 * run replaces them); the `_total` ones are counters over every run recorded.
 */
export const METRICS = {
  lastRunSuccess: gauge('cryptocollect_last_run_success', "1 if the command's last run succeeded, 0 if it was partial, failed or interrupted", ['command']),
  lastRunId: gauge('cryptocollect_last_run_id', "the command's last run's id (the runs table, status --json, the JSON log's run_id)", ['command']),
  lastRunTimestamp: gauge('cryptocollect_last_run_timestamp_seconds', "when the command's last run ended (its start if it recorded no end), Unix time", ['command']),
  lastRunDuration: gauge('cryptocollect_last_run_duration_seconds', "how long the command's last run took, by the database's clock", ['command']),
  lastRunCandles: gauge('cryptocollect_last_run_candles_written', "candles the command's last run stored", ['command']),
  lastRunRequests: gauge('cryptocollect_last_run_requests', "requests the command's last run made, by outcome (HTTP status class, or error: no answer)", ['command', 'outcome']),
  lastRunWeight: gauge('cryptocollect_last_run_weight', "request weight the command's last run used", ['command']),
  lastRunRetries: gauge('cryptocollect_last_run_retries', "requests the command's last run retried", ['command']),
  lastRunRateLimited: gauge('cryptocollect_last_run_rate_limited', "429 answers the command's last run met", ['command']),
  runs: { name: 'cryptocollect_runs_total', help: 'runs recorded, by command and how they ended', type: 'counter', labelNames: ['command', 'status'] } as Def,
  candles: { name: 'cryptocollect_candles_written_total', help: 'candles stored by every recorded run, by command', type: 'counter', labelNames: ['command'] } as Def,
  seriesLag: gauge('cryptocollect_series_lag_seconds', 'how far the series is behind the clock when the file was written (its collected end to now)', ['symbol', 'interval']),
  seriesMaxLag: gauge('cryptocollect_series_max_lag_seconds', 'the lag status --check allows the series (--max-lag auto with the default grace)', ['symbol', 'interval']),
  seriesCollected: gauge('cryptocollect_series_collected_until_timestamp_seconds', 'up to where the series is collected, Unix time (time() minus it is the lag at scrape time)', ['symbol', 'interval']),
  seriesGaps: gauge('cryptocollect_series_gaps', 'gaps (ranges never collected) in the series', ['symbol', 'interval']),
  seriesGapCandles: gauge('cryptocollect_series_gap_candles', 'candles missing in those gaps', ['symbol', 'interval']),
  seriesCandles: gauge('cryptocollect_series_candles', 'candles stored for the series', ['symbol', 'interval']),
} satisfies Record<string, Def>;

const seconds = (iso: string): number => Date.parse(iso) / 1000;

/**
 * The metrics from the database alone: each command's last run (so the file is whole after any command, whichever
 * ran), every run's totals, and each active series' lag, gaps and candles. Reads only; every read is retried
 * through a database restart.
 */
export async function collectMetrics(db: Db, clock: Clock, unrecordedDir: string): Promise<MetricFamily[]> {
  const read = <T>(what: string, fn: () => Promise<T>): Promise<T> => retryTransient(what, fn);
  const runs = await read('reading the runs', () => lastRuns(db, unrecordedDir));
  const totals = await read('reading the runs', async () => {
    const { rows } = await sql<{ command: string; status: string; runs: number; candles: string | number }>`
      select command, status, count(*)::int as runs, coalesce(sum(candles_written), 0)::text as candles from runs group by command, status order by command, status`.execute(db);
    return rows;
  });
  const status = await runStatus(db, clock, {}, 1, unrecordedDir, { reap: false, windowSeconds: 60 });
  const active = status.series.filter((s) => s.state === 'active');

  const perRun = (pick: (r: (typeof runs)[number]) => number): Sample[] => runs.map((r) => ({ labels: { command: r.command }, value: pick(r) }));
  const perSeries = (pick: (s: (typeof active)[number]) => number): Sample[] => active.map((s) => ({ labels: { symbol: s.symbol, interval: s.interval }, value: pick(s) }));
  const candlesByCommand = new Map<string, number>();
  for (const t of totals) candlesByCommand.set(t.command, (candlesByCommand.get(t.command) ?? 0) + Number(t.candles));
  const grace = { kind: 'auto', graceSeconds: DEFAULT_GRACE_SECONDS } as const;

  const families: Array<[Def, Sample[]]> = [
    [METRICS.lastRunSuccess, perRun((r) => (r.status === 'success' ? 1 : 0))],
    [METRICS.lastRunId, perRun((r) => r.id)],
    [METRICS.lastRunTimestamp, perRun((r) => seconds(r.finished_at ?? r.started_at))],
    [METRICS.lastRunDuration, perRun((r) => r.duration_seconds ?? 0)],
    [METRICS.lastRunCandles, perRun((r) => r.candles_written)],
    [METRICS.lastRunRequests, runs.flatMap((r) => REQUEST_OUTCOMES.map((outcome) => ({ labels: { command: r.command, outcome }, value: r.request_outcomes[outcome] })))],
    [METRICS.lastRunWeight, perRun((r) => r.weight)],
    [METRICS.lastRunRetries, perRun((r) => r.retries)],
    [METRICS.lastRunRateLimited, perRun((r) => r.rate_limited)],
    [METRICS.runs, totals.map((t) => ({ labels: { command: t.command, status: t.status }, value: t.runs }))],
    [METRICS.candles, [...candlesByCommand].map(([command, value]) => ({ labels: { command }, value }))],
    [METRICS.seriesLag, perSeries((s) => s.lag_seconds)],
    [METRICS.seriesMaxLag, perSeries((s) => allowedLagSeconds(grace, s.interval, Date.parse(s.collected_until)))],
    [METRICS.seriesCollected, perSeries((s) => seconds(s.collected_until))],
    [METRICS.seriesGaps, perSeries((s) => s.gaps)],
    [METRICS.seriesGapCandles, perSeries((s) => s.gap_candles)],
    [METRICS.seriesCandles, perSeries((s) => s.candles)],
  ];
  return families.map(([def, samples]) => ({ ...def, samples }));
}
