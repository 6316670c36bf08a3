import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { pickCounters } from '../events/run-counters.js';
import { processExists } from '../system/process-exists.js';
import type { RunRecord } from './run-log.js';
import { keptRunsOfThisHost, recordUnrecordedRuns, type UnrecordedRun } from './unrecorded-runs.js';

const KILLED = 'the process ended without finishing the run (killed?)';

async function deadRunsOfThisHost(db: Kysely<Database>): Promise<number[]> {
  const running = await db.selectFrom('runs').select(['id', 'pid']).where('status', '=', 'running').where('host', '=', hostname()).execute();
  return running.filter((r) => r.pid !== null && r.pid !== process.pid && !processExists(r.pid)).map((r) => r.id);
}

/**
 * Brings the records of runs that ended without saying so up to date. A run this host could not record because
 * the database was gone (unrecorded-runs.ts) gets its real end; a run left `running` by a process that no longer
 * exists (kill -9, power loss) is recorded as interrupted, so it does not show as running forever. Only runs of
 * this host can be checked; others are left as they are.
 */
export async function reapAbandonedRuns(db: Kysely<Database>, unrecordedDir: string): Promise<number> {
  await recordUnrecordedRuns(db, unrecordedDir);
  const dead = await deadRunsOfThisHost(db);
  if (dead.length === 0) return 0;
  await db.updateTable('runs').set({ status: 'interrupted', error: KILLED }).where('id', 'in', dead).where('status', '=', 'running').execute();
  return dead.length;
}

/**
 * The runs as reapAbandonedRuns would leave them, without writing: what a read-only `status` shows (a role with
 * only SELECT, a standby). The next writing command on this host records them for good.
 */
export async function asReaped(db: Kysely<Database>, runs: readonly RunRecord[], unrecordedDir: string): Promise<RunRecord[]> {
  if (!runs.some((r) => r.status === 'running')) return [...runs];
  const dead = new Set(await deadRunsOfThisHost(db));
  // Unreadable files are left for the next writing command to remove.
  const kept = new Map((await keptRunsOfThisHost(unrecordedDir)).flatMap(({ run }): Array<[number, UnrecordedRun]> => (run ? [[run.id, run]] : [])));
  return runs.map((r): RunRecord => {
    if (r.status !== 'running') return r;
    const u = kept.get(r.id);
    // The file is this run's only if it started when the record says (another database may have a run of that id).
    if (u && Date.parse(u.startedAt) === Math.trunc(Date.parse(r.started_at))) {
      return {
        ...r,
        status: u.status,
        finished_at: u.finishedAt,
        duration_seconds: Math.round(Date.parse(u.finishedAt) - Date.parse(r.started_at)) / 1000,
        ...pickCounters(u.counters),
        error: u.error,
        series: u.results,
      };
    }
    return dead.has(r.id) ? { ...r, status: 'interrupted', error: KILLED } : r;
  });
}
