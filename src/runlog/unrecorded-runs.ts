import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RunStatus } from '../domain.js';
import { pickCounters, type RunCounters } from '../events/run-counters.js';
import type { SeriesResult } from './run-log.js';

/**
 * How a run ended, kept on local disk when the database was gone by then (an outage that outlasted the retries):
 * the next run on this host writes it into the run record, so the run shows as failed, with its error, rather than
 * as abandoned by a killed process. Keyed by the run's id, pid, host and start time, which no other database's run
 * shares; a file no run matches may belong to another database and is left alone for a while.
 */
export interface UnrecordedRun {
  readonly id: number;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly counters: RunCounters;
  readonly results: readonly SeriesResult[];
  readonly error: string | null;
}

/** Files nobody claimed are removed after this long. */
const KEEP_MS = 30 * 86_400_000;

export function unrecordedRunsDir(dataDir: string): string {
  return path.join(dataDir, 'unrecorded-runs');
}

/** Best effort: if even the local disk refuses, the run stays as the reaper finds it. */
export async function keepUnrecordedRun(dir: string, run: UnrecordedRun): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${run.host}-${run.pid}-${run.id}.json`), JSON.stringify(run));
  } catch {
    // Nothing more can be done for this record.
  }
}

/** The runs this host kept in `dir`, each with its file; `run` is null for a file that does not parse. */
export async function keptRunsOfThisHost(dir: string): Promise<Array<{ file: string; run: UnrecordedRun | null }>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(`${hostname()}-`) && n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Array<{ file: string; run: UnrecordedRun | null }> = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let run: UnrecordedRun | null = null;
    try {
      run = JSON.parse(await readFile(file, 'utf8')) as UnrecordedRun;
    } catch {
      // Unreadable, or not what a run kept: `run` stays null.
    }
    out.push({ file, run });
  }
  return out;
}

/** Writes the runs this host could not record into their records. Returns how many it recorded. */
export async function recordUnrecordedRuns(db: Kysely<Database>, dir: string, now = Date.now()): Promise<number> {
  let recorded = 0;
  for (const { file, run } of await keptRunsOfThisHost(dir)) {
    if (run === null) {
      await rm(file, { force: true });
      continue;
    }
    const res = await db
      .updateTable('runs')
      .set({
        status: run.status,
        finished_at: new Date(run.finishedAt),
        ...pickCounters(run.counters),
        series_results: JSON.stringify(run.results),
        error: run.error,
      })
      .where('id', '=', run.id)
      .where('pid', '=', run.pid)
      .where('host', '=', run.host)
      // The record's start has microseconds; what the run kept of it, milliseconds.
      .where(sql<Date>`date_trunc('milliseconds', started_at)`, '=', new Date(run.startedAt))
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) {
      recorded++;
      await rm(file, { force: true });
    } else if (now - Date.parse(run.finishedAt) > KEEP_MS) {
      await rm(file, { force: true });
    }
  }
  return recorded;
}
