import { hostname } from 'node:os';
import type { Db } from '../db/schema.js';
import type { CommandName, RunStatus } from '../domain.js';
import { errorMessage } from '../errors.js';
import { pickCounters, pickOutcomes, type RequestOutcomes, type RunCounters } from '../events/run-counters.js';
import type { RunEvents } from '../events/run-events.js';
import { LiveRun } from '../runlog/live-run.js';
import { reapAbandonedRuns } from '../runlog/reap-abandoned-runs.js';
import { finishRun, startRun, type SeriesResult } from '../runlog/run-log.js';
import { keepUnrecordedRun } from '../runlog/unrecorded-runs.js';
import { retryTransient } from '../db/retry-transient.js';

/** A fetching command's result document (`--json`): the same shape whatever happened, an interrupted run included. */
export type RunOutcome = {
  /** null only when there was nothing to do, so no run was recorded. */
  readonly run_id: number | null;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly duration_seconds: number;
} & Readonly<RunCounters> & {
    readonly server_time: string | null;
    readonly series: readonly SeriesResult[];
  };

export interface RunSetup {
  readonly db: Db;
  readonly command: CommandName;
  readonly args: Record<string, unknown>;
  /** The command's events: the run announces its start and end on them. */
  readonly events: RunEvents;
  /** Counted from the events since the command's first request (collect/run-counters.ts). */
  readonly counters: Readonly<RunCounters>;
  /** Its requests by outcome, counted from the same events (recorded for the metrics file); none: not recorded. */
  readonly outcomes?: Readonly<RequestOutcomes>;
  readonly serverTime: number;
  readonly stop: AbortSignal;
  /** Where the run's end is kept if the database is gone by then (runlog/unrecorded-runs.ts). */
  readonly unrecordedDir: string;
}

/**
 * A run's status from its series' results. A skipped series (another process held it) is work not done for a
 * backfill or a gap fill, which were asked to collect it: the run is partial, so the caller knows to run it again.
 * For forward it is not: the other process is bringing the series up to date.
 */
export function runStatusOf(command: CommandName, results: readonly SeriesResult[], interrupted: boolean): Exclude<RunStatus, 'running'> {
  if (interrupted) return 'interrupted';
  const failed = results.filter((r) => r.status === 'failed').length;
  const skipped = command === 'forward' ? 0 : results.filter((r) => r.status === 'skipped').length;
  if (failed > 0 && failed === results.length) return 'failed';
  return failed + skipped > 0 ? 'partial' : 'success';
}

/**
 * Records a fetching run around `body`: `running` while it works, with its counters kept current (so a killed run
 * shows what it stored), then its status, counters, per-series results and error — also when it fails or is
 * interrupted, so `status` can tell what happened. Every time in the record is the database's. An interrupted run
 * is an outcome like the others (status `interrupted`, its run id kept); a run that fails throws its error.
 */
export async function recordedRun(
  setup: RunSetup,
  body: (onProgress: (results: () => SeriesResult[]) => void, run: { readonly id: number }) => Promise<SeriesResult[]>,
): Promise<RunOutcome> {
  const { db, command, stop, events } = setup;
  const begun = performance.now();
  await reapAbandonedRuns(db, setup.unrecordedDir);
  const run = await startRun(db, command, setup.args);
  events.emit({ type: 'run-started', runId: run.id, command });
  const totals = (): RunCounters => pickCounters(setup.counters);
  const outcomes = setup.outcomes ? (): RequestOutcomes => pickOutcomes(setup.outcomes) : undefined;
  const live = new LiveRun(db, run.id, totals, outcomes);
  let latest: () => SeriesResult[] = () => [];
  const finish = async (status: Exclude<RunStatus, 'running'>, results: readonly SeriesResult[], error: string | null, patience = { retries: 6, minTimeoutMs: 250 }) => {
    await live.close();
    try {
      const seconds = await retryTransient('recording the run', () => finishRun(db, run.id, status, totals(), results, error, outcomes?.()), patience);
      events.emit({ type: 'run-finished', runId: run.id, status });
      return seconds;
    } catch (err) {
      // The database is gone: keep the end on local disk for the next run to record (as failed, not as killed).
      const finishedAt = new Date(run.startedAt.getTime() + (performance.now() - begun)).toISOString();
      const base = { id: run.id, pid: process.pid, host: hostname(), startedAt: run.startedAt.toISOString(), finishedAt, counters: totals(), results };
      await keepUnrecordedRun(setup.unrecordedDir, { ...base, status: status === 'success' || status === 'partial' ? 'failed' : status, error: error ?? errorMessage(err) });
      throw err;
    }
  };

  let results: SeriesResult[];
  try {
    results = await body(
      (r) => {
        latest = r;
        live.update(r);
      },
      { id: run.id },
    );
  } catch (err) {
    const status = stop.aborted ? 'interrupted' : 'failed';
    await finish(status, latest(), errorMessage(err), { retries: 2, minTimeoutMs: 250 }).catch(() => undefined);
    throw err;
  }
  const status = runStatusOf(command, results, stop.aborted);
  const problems = results.filter((r) => r.status === 'failed' || (status === 'partial' && r.status === 'skipped')).map((r) => `${r.symbol} ${r.interval}: ${r.error}`);
  const error = status === 'interrupted' ? 'interrupted by signal' : problems.length ? problems.join('; ') : null;
  // A signal asks to exit promptly: the record gets a short try (and is kept on disk for later if it fails).
  const seconds =
    status === 'interrupted'
      ? await finish(status, results, error, { retries: 2, minTimeoutMs: 250 }).catch(() => (performance.now() - begun) / 1000)
      : await finish(status, results, error);
  return { run_id: run.id, status, duration_seconds: seconds, ...totals(), server_time: new Date(setup.serverTime).toISOString(), series: results };
}
