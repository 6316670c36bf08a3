import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { asReaped } from './reap-abandoned-runs.js';
import { newestRunsByCommand, type RunWithOutcomes } from './run-log.js';

/**
 * Each command's last run that has ended, by command name: its newest run as `status` shows it (a run whose process
 * died counts as interrupted, a run the database could not record as the journal has it), or, while that one is
 * still running in a live process, the one before it that ended. What `status --check` judges and the metrics
 * file reports; reads only.
 */
export async function lastRuns(db: Kysely<Database>, unrecordedDir: string): Promise<RunWithOutcomes[]> {
  const { newest, newestEnded } = await newestRunsByCommand(db);
  const reaped = await asReaped(db, newest, unrecordedDir);
  const ended = new Map(newestEnded.map((r) => [r.command, r]));
  return newest.flatMap((run, i): RunWithOutcomes[] => {
    const seen = reaped[i];
    if (seen !== undefined && seen.status !== 'running') return [{ ...run, ...seen }];
    const before = ended.get(run.command);
    return before === undefined ? [] : [before];
  });
}
