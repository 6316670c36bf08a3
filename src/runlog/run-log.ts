import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CommandName, RunStatus } from '../domain.js';

export interface SeriesResult {
  readonly symbol: string;
  readonly interval: string;
  readonly status: 'success' | 'failed' | 'skipped';
  /** Why the series failed or was skipped. */
  readonly candles_written: number;
  readonly requests: number;
  readonly error: string | null;
}

export interface RunTotals {
  readonly requests: number;
  readonly weight: number;
  readonly retries: number;
  readonly rateLimited: number;
  readonly candlesWritten: number;
}

export async function startRun(db: Kysely<Database>, command: CommandName, args: Record<string, unknown>): Promise<number> {
  const row = await db
    .insertInto('runs')
    .values({ command, args: JSON.stringify(args), status: 'running', pid: process.pid, host: hostname(), finished_at: null, error: null, series_results: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Kysely<Database>,
  id: number,
  status: Exclude<RunStatus, 'running'>,
  totals: RunTotals,
  results: readonly SeriesResult[],
  error: string | null,
): Promise<void> {
  await db
    .updateTable('runs')
    .set({
      status,
      finished_at: new Date(),
      requests: totals.requests,
      weight: totals.weight,
      retries: totals.retries,
      rate_limited: totals.rateLimited,
      candles_written: totals.candlesWritten,
      series_results: JSON.stringify(results),
      error,
    })
    .where('id', '=', id)
    .execute();
}

export interface RunRecord {
  readonly id: number;
  readonly command: string;
  readonly args: unknown;
  readonly status: RunStatus;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_seconds: number | null;
  readonly candles_written: number;
  readonly requests: number;
  readonly weight: number;
  readonly retries: number;
  readonly rate_limited: number;
  readonly error: string | null;
  readonly series: unknown;
}

/** The newest runs first. */
export async function listRuns(db: Kysely<Database>, limit: number): Promise<RunRecord[]> {
  const rows = await db.selectFrom('runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    command: r.command,
    args: r.args,
    status: r.status as RunStatus,
    started_at: r.started_at.toISOString(),
    finished_at: r.finished_at ? r.finished_at.toISOString() : null,
    duration_seconds: r.finished_at ? Math.round(r.finished_at.getTime() - r.started_at.getTime()) / 1000 : null,
    candles_written: Number(r.candles_written),
    requests: r.requests,
    weight: r.weight,
    retries: r.retries,
    rate_limited: r.rate_limited,
    error: r.error,
    series: r.series_results,
  }));
}
