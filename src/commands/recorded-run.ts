import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CommandName, RunStatus } from '../domain.js';
import { errorMessage, InterruptedError } from '../errors.js';
import type { RequestStats } from '../exchange/request-stats.js';
import { reapAbandonedRuns } from '../runlog/reap-abandoned-runs.js';
import { finishRun, startRun, type SeriesResult } from '../runlog/run-log.js';
import { retryTransient } from '../db/retry-transient.js';

export interface RunOutcome {
  readonly run_id: number;
  readonly status: RunStatus;
  readonly duration_seconds: number;
  readonly requests: number;
  readonly weight: number;
  readonly retries: number;
  readonly rate_limited: number;
  readonly candles_written: number;
  readonly server_time: string;
  readonly series: readonly SeriesResult[];
}

export function runStatusOf(results: readonly SeriesResult[], interrupted: boolean): Exclude<RunStatus, 'running'> {
  if (interrupted) return 'interrupted';
  const failed = results.filter((r) => r.status === 'failed').length;
  if (failed === 0) return 'success';
  return failed < results.length ? 'partial' : 'failed';
}

/**
 * Records a fetching run around `body`: `running` while it works, then its status, counters, per-series results
 * and error — also when it fails or is interrupted, so `status` can tell what happened.
 */
export async function recordedRun(
  db: Kysely<Database>,
  command: CommandName,
  args: Record<string, unknown>,
  stats: RequestStats,
  serverTime: number,
  stop: AbortSignal,
  body: () => Promise<SeriesResult[]>,
): Promise<RunOutcome> {
  const started = Date.now();
  await reapAbandonedRuns(db);
  const id = await startRun(db, command, args);
  const totals = (results: readonly SeriesResult[]) => ({
    requests: stats.requests,
    weight: stats.weight,
    retries: stats.retries,
    rateLimited: stats.rateLimited,
    candlesWritten: results.reduce((n, r) => n + r.candles_written, 0),
  });
  let results: SeriesResult[];
  try {
    results = await body();
  } catch (err) {
    const status = stop.aborted ? 'interrupted' : 'failed';
    // Best effort: if the database itself is what failed, the reaper marks this run interrupted later.
    await retryTransient('recording the run', () => finishRun(db, id, status, totals([]), [], errorMessage(err)), { retries: 2, minTimeoutMs: 250 }).catch(
      () => undefined,
    );
    throw err;
  }
  const status = runStatusOf(results, stop.aborted);
  const failures = results.filter((r) => r.status === 'failed').map((r) => `${r.symbol} ${r.interval}: ${r.error}`);
  const error = status === 'interrupted' ? 'interrupted by signal' : failures.length ? failures.join('; ') : null;
  const t = totals(results);
  await retryTransient('recording the run', () => finishRun(db, id, status, t, results, error));
  if (status === 'interrupted') throw new InterruptedError(`interrupted; ${t.candlesWritten} candles were stored, the next run resumes`);
  return {
    run_id: id,
    status,
    duration_seconds: (Date.now() - started) / 1000,
    requests: t.requests,
    weight: t.weight,
    retries: t.retries,
    rate_limited: t.rateLimited,
    candles_written: t.candlesWritten,
    server_time: new Date(serverTime).toISOString(),
    series: results,
  };
}
