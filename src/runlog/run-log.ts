import { hostname } from 'node:os';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, RunsTable } from '../db/schema.js';
import type { CommandName, RunStatus } from '../domain.js';
import { pickCounters, pickOutcomes, type RequestOutcomes, type RunCounters } from '../events/run-counters.js';

export interface SeriesResult {
  readonly symbol: string;
  readonly interval: string;
  readonly status: 'success' | 'failed' | 'skipped';
  readonly candles_written: number;
  readonly requests: number;
  readonly quality_findings: number;
  /** Why the series failed or was skipped. */
  readonly error: string | null;
}

export interface StartedRun {
  readonly id: number;
  /** By the database's clock, like every time of the run record. */
  readonly startedAt: Date;
}

export async function startRun(db: Kysely<Database>, command: CommandName, args: Record<string, unknown>): Promise<StartedRun> {
  const row = await db
    .insertInto('runs')
    .values({ command, args: JSON.stringify(args), status: 'running', pid: process.pid, host: hostname(), finished_at: null, error: null, series_results: '[]' })
    .returning(['id', 'started_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, startedAt: row.started_at };
}

/** The counters are the `runs` table's columns of the same names; the requests by outcome one jsonb column. */
function countersOf(counters: Readonly<RunCounters>, results: readonly SeriesResult[], outcomes?: Readonly<RequestOutcomes>) {
  return { ...pickCounters(counters), series_results: JSON.stringify(results), ...(outcomes ? { request_outcomes: JSON.stringify(outcomes) } : {}) };
}

/** Keeps a running run's counters current, so a run killed midway still shows what it stored. */
export async function updateRun(
  db: Kysely<Database>,
  id: number,
  counters: Readonly<RunCounters>,
  results: readonly SeriesResult[],
  outcomes?: Readonly<RequestOutcomes>,
): Promise<void> {
  await db.updateTable('runs').set(countersOf(counters, results, outcomes)).where('id', '=', id).where('status', '=', 'running').execute();
}

/**
 * Records how a run ended, with its finish time by the database's clock (the start came from it too: a local
 * clock hours off must not make a run last a negative time). Returns the run's duration in seconds.
 */
export async function finishRun(
  db: Kysely<Database>,
  id: number,
  status: Exclude<RunStatus, 'running'>,
  counters: Readonly<RunCounters>,
  results: readonly SeriesResult[],
  error: string | null,
  outcomes?: Readonly<RequestOutcomes>,
): Promise<number> {
  const row = await db
    .updateTable('runs')
    .set({ ...countersOf(counters, results, outcomes), status, finished_at: sql<Date>`clock_timestamp()`, error })
    .where('id', '=', id)
    .returning(sql<unknown>`extract(epoch from finished_at - started_at)`.as('seconds'))
    .executeTakeFirst();
  return Number(row?.seconds ?? 0);
}

export type RunRecord = {
  readonly id: number;
  readonly command: string;
  readonly args: unknown;
  readonly status: RunStatus;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_seconds: number | null;
  readonly error: string | null;
  readonly series: unknown;
} & Readonly<RunCounters>;

type RunRow = Selectable<RunsTable>;

function recordOf(r: RunRow): RunRecord {
  return {
    id: r.id,
    command: r.command,
    args: r.args,
    status: r.status as RunStatus,
    started_at: r.started_at.toISOString(),
    finished_at: r.finished_at ? r.finished_at.toISOString() : null,
    duration_seconds: r.finished_at ? Math.round(r.finished_at.getTime() - r.started_at.getTime()) / 1000 : null,
    ...pickCounters(r),
    error: r.error,
    series: r.series_results,
  };
}

/** The newest runs first. */
export async function listRuns(db: Kysely<Database>, limit: number): Promise<RunRecord[]> {
  const rows = await db.selectFrom('runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map(recordOf);
}

/** A run with its requests by outcome (sql/000008: `{}` for runs recorded before it). */
export type RunWithOutcomes = RunRecord & { readonly request_outcomes: RequestOutcomes };

/**
 * Each command's newest run, and each command's newest run that is no longer `running` (by id: the order runs
 * started in), by command name. Reads only.
 */
export async function newestRunsByCommand(db: Kysely<Database>): Promise<{ newest: RunWithOutcomes[]; newestEnded: RunWithOutcomes[] }> {
  const withOutcomes = (r: RunRow): RunWithOutcomes => ({ ...recordOf(r), request_outcomes: pickOutcomes(r.request_outcomes) });
  const newest = await db.selectFrom('runs').selectAll().distinctOn('command').orderBy('command').orderBy('id', 'desc').execute();
  const newestEnded = await db
    .selectFrom('runs')
    .selectAll()
    .distinctOn('command')
    .where('status', '<>', 'running')
    .orderBy('command')
    .orderBy('id', 'desc')
    .execute();
  return { newest: newest.map(withOutcomes), newestEnded: newestEnded.map(withOutcomes) };
}
