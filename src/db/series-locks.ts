import type pg from 'pg';
import type { Translate } from './translating-dialect.js';

/** Session advisory-lock namespace of cryptocollect series ("cc" in ASCII); the second key is the series id. */
const LOCK_NAMESPACE = 0x6363;
/** Session advisory-lock namespace of live runs ("cr"); the second key is the run id (db/claim-store.ts). */
export const RUN_LOCK_NAMESPACE = 0x6372;

export interface LockRequest {
  /**
   * The series to take shared: runs that split a series' work by claims of page ranges (collect/claimed-work.ts)
   * take it together; one that needs it alone (refetch's delete, untrack --purge, gaps --recheck) takes it
   * exclusive, and each skips the series while the other holds it. Default: every series exclusive.
   */
  readonly shared?: ReadonlySet<number>;
  /**
   * The run the session stands for: its lock is held for as long as the session lives, so other runs can tell that
   * its claims are alive (a process killed, a connection lost: the lock is gone, and its claims are taken over).
   */
  readonly runId?: number;
}

export interface SeriesLocks {
  /** Series ids another process holds (exclusive, or exclusive asked while others share): skip them this run. */
  readonly busy: ReadonlySet<number>;
  release(): Promise<void>;
}

export type SeriesLocker = (seriesIds: readonly number[], request?: LockRequest) => Promise<SeriesLocks>;

/**
 * Two cryptocollect processes on one PostgreSQL database (an overlapping cron job, several workers) never touch a
 * series in ways that clash: each run takes a session advisory lock per series on one dedicated connection, held
 * until the run ends (or its connection dies with its process), shared by runs that split the series' pages between
 * them, exclusive for one that needs it alone; a series it cannot get is skipped. The connection is pg's own,
 * outside Kysely: its failures go through the same translation as every other statement.
 */
export function postgresSeriesLocker(pool: pg.Pool, translate: Translate): SeriesLocker {
  return async (seriesIds, request = {}) => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw translate(err);
    }
    const busy = new Set<number>();
    try {
      if (request.runId !== undefined) await client.query('select pg_try_advisory_lock($1::int4, $2::int4)', [RUN_LOCK_NAMESPACE, request.runId]);
      const shared = request.shared ?? new Set<number>();
      const res = await client.query<{ id: number; ok: boolean }>(
        `select id, case when s then pg_try_advisory_lock_shared($1::int4, id) else pg_try_advisory_lock($1::int4, id) end as ok
           from unnest($2::int4[], $3::bool[]) as l(id, s) order by id`,
        [LOCK_NAMESPACE, [...seriesIds], seriesIds.map((id) => shared.has(id))],
      );
      for (const r of res.rows) if (!r.ok) busy.add(r.id);
    } catch (err) {
      client.release(true);
      throw translate(err);
    }
    return {
      busy,
      release: async () => {
        try {
          await client.query('select pg_advisory_unlock_all()');
          client.release();
        } catch {
          // The connection is gone, and its locks with it.
          client.release(true);
        }
      },
    };
  };
}

/** The embedded database is already one process at a time (its lock file): nothing to coordinate. */
export const noSeriesLocker: SeriesLocker = async () => ({ busy: new Set(), release: async () => undefined });
