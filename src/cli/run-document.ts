import type { RunOutcome } from '../commands/recorded-run.js';
import type { RunStatus } from '../domain.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { SeriesResult } from '../runlog/run-log.js';

/**
 * The `--json` document of a fetching run (backfill, forward, gaps --fill). Its keys are the same in every case, so
 * a script reads one shape: a forward with nothing tracked has `run_id: null`, zero counters and no `server_time`
 * (the exchange was not asked), and an interrupted run keeps its `run_id`.
 */
export interface RunDocument {
  readonly run_id: number | null;
  readonly status: RunStatus;
  readonly duration_seconds: number;
  readonly requests: number;
  readonly weight: number;
  readonly retries: number;
  readonly rate_limited: number;
  readonly candles_written: number;
  readonly server_time: string | null;
  readonly series: readonly SeriesResult[];
}

/** Listed key by key, so the document's order and keys do not follow the engine's internals. */
export function runDocument(outcome: RunOutcome | null): RunDocument {
  if (outcome === null) {
    return { run_id: null, status: 'success', duration_seconds: 0, requests: 0, weight: 0, retries: 0, rate_limited: 0, candles_written: 0, server_time: null, series: [] };
  }
  return {
    run_id: outcome.run_id,
    status: outcome.status,
    duration_seconds: outcome.duration_seconds,
    requests: outcome.requests,
    weight: outcome.weight,
    retries: outcome.retries,
    rate_limited: outcome.rate_limited,
    candles_written: outcome.candles_written,
    server_time: outcome.server_time,
    series: outcome.series,
  };
}

const EXIT_BY_STATUS: Record<RunStatus, ExitCode> = {
  // An outcome is never `running`; if one were, the run did not end well.
  running: EXIT.failure,
  success: EXIT.success,
  partial: EXIT.partial,
  failed: EXIT.failure,
  interrupted: EXIT.interrupted,
};

export function runExitCode(run: RunDocument): ExitCode {
  return EXIT_BY_STATUS[run.status];
}

/** An interrupted run still prints its document; stderr says what became of it. */
export function runNotice(run: RunDocument): string | undefined {
  return run.status === 'interrupted' ? `interrupted; ${run.candles_written} candles were stored, the next run resumes` : undefined;
}
