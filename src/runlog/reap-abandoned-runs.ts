import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { processExists } from './process-exists.js';
import { recordUnrecordedRuns } from './unrecorded-runs.js';

/**
 * Brings the records of runs that ended without saying so up to date. A run this host could not record because
 * the database was gone (unrecorded-runs.ts) gets its real end; a run left `running` by a process that no longer
 * exists (kill -9, power loss) is recorded as interrupted, so it does not show as running forever. Only runs of
 * this host can be checked; others are left as they are.
 */
export async function reapAbandonedRuns(db: Kysely<Database>, unrecordedDir: string): Promise<number> {
  await recordUnrecordedRuns(db, unrecordedDir);
  const running = await db.selectFrom('runs').select(['id', 'pid']).where('status', '=', 'running').where('host', '=', hostname()).execute();
  const dead = running.filter((r) => r.pid !== null && r.pid !== process.pid && !processExists(r.pid)).map((r) => r.id);
  if (dead.length === 0) return 0;
  await db
    .updateTable('runs')
    .set({ status: 'interrupted', error: 'the process ended without finishing the run (killed?)' })
    .where('id', 'in', dead)
    .where('status', '=', 'running')
    .execute();
  return dead.length;
}
