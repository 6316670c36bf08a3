import type pg from 'pg';
import type { Translate } from './translating-dialect.js';

/** Session advisory-lock namespace of cryptocollect series ("cc" in ASCII); the second key is the series id. */
const LOCK_NAMESPACE = 0x6363;

export interface SeriesLocks {
  /** Series ids another process holds: skip them this run. */
  readonly busy: ReadonlySet<number>;
  release(): Promise<void>;
}

export type SeriesLocker = (seriesIds: readonly number[]) => Promise<SeriesLocks>;

/**
 * Two cryptocollect processes on one PostgreSQL database (an overlapping cron job, several workers) never fetch
 * the same series at once: each run takes a session advisory lock per series on one dedicated connection, held
 * until the run ends (or its connection dies with its process), and skips the series someone else holds. The
 * connection is pg's own, outside Kysely: its failures go through the same translation as every other statement.
 */
export function postgresSeriesLocker(pool: pg.Pool, translate: Translate): SeriesLocker {
  return async (seriesIds) => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw translate(err);
    }
    const busy = new Set<number>();
    try {
      const res = await client.query<{ id: number; ok: boolean }>(
        'select id, pg_try_advisory_lock($1::int4, id) as ok from unnest($2::int4[]) as id order by id',
        [LOCK_NAMESPACE, [...seriesIds]],
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
