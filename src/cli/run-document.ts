import type { RunOutcome } from '../collect/recorded-run.js';
import type { RunPlan } from '../collect/run-plan.js';
import type { RenderRunOptions } from '../output/render-run.js';
import type { RunStatus } from '../domain.js';
import { zeroCounters } from '../events/run-counters.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

/**
 * The `--json` document of a fetching run (backfill, forward, gaps --fill): the engine's outcome, and the whole
 * invocation's time. Its keys are the same in every case, so a script reads one shape: a forward with nothing
 * tracked has `run_id: null`, zero counters and no `server_time` (the exchange was not asked), and an interrupted
 * run keeps its `run_id`.
 */
export type RunDocument = RunOutcome & {
  /**
   * Seconds from the process start to the result, start-up included (opening the database, exchangeInfo,
   * planning), by the local clock; `duration_seconds` is the run record's, by the database's clock.
   */
  readonly elapsed_seconds: number;
};

export function runDocument(outcome: RunOutcome | null, elapsedSeconds: number): RunDocument {
  return { ...(outcome ?? { run_id: null, status: 'success', duration_seconds: 0, ...zeroCounters(), server_time: null, series: [] }), elapsed_seconds: elapsedSeconds };
}

/** Seconds since `startedAt` (epoch ms), to the millisecond. */
export function secondsSince(startedAt: number, now: number): number {
  return Math.max(0, Math.round(now - startedAt)) / 1000;
}

const EXIT_BY_STATUS: Record<Exclude<RunStatus, 'running'>, ExitCode> = {
  success: EXIT.success,
  partial: EXIT.partial,
  failed: EXIT.failure,
  interrupted: EXIT.interrupted,
};

export function runExitCode(run: Pick<RunOutcome, 'status'>): ExitCode {
  return EXIT_BY_STATUS[run.status];
}

/** An interrupted run still prints its document; stderr says what became of it. */
export function runNotice(run: Pick<RunOutcome, 'status' | 'candles_written'>): string | undefined {
  return run.status === 'interrupted' ? `interrupted; ${run.candles_written} candles were stored, the next run resumes` : undefined;
}

/** What a fetching command prints: its run, or with --dry-run its plan (a document of its own, `dry_run: true`). */
export type FetchDocument = RunDocument | RunPlan;

export const isPlan = (doc: FetchDocument): doc is RunPlan => 'dry_run' in doc;

export const fetchExitCode = (doc: FetchDocument): ExitCode => (isPlan(doc) ? EXIT.success : runExitCode(doc));

export const fetchNotice = (doc: FetchDocument): string | undefined => (isPlan(doc) ? undefined : runNotice(doc));

/** What a person reads: the plan, or the run (its table or its summary). */
export async function renderFetch(command: string, doc: FetchDocument, opts: RenderRunOptions): Promise<string> {
  if (isPlan(doc)) return (await import('../output/render-plan.js')).renderPlan(doc);
  return (await import('../output/render-run.js')).renderRun(command, doc, opts);
}
