import { DatabaseFailure } from './database-failure.js';

/**
 * A read of many series in one statement (a join of their list with the candle tables), or — where the server
 * refuses that shape as a feature it does not support (SQLSTATE 0A000: Citus may, over its distributed tables) — the
 * same read a series at a time, each one routed to its series' shard.
 */
export async function oneByOneIfRefused<T>(atOnce: () => Promise<T>, oneByOne: () => Promise<T>): Promise<T> {
  try {
    return await atOnce();
  } catch (err) {
    if (err instanceof DatabaseFailure && err.sqlstate === '0A000') return oneByOne();
    throw err;
  }
}
