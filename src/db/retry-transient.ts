import pRetry from 'p-retry';
import { systemClock } from '../clock.js';
import { DatabaseFailure, isTransientFailure, translateDbError } from './database-failure.js';

export interface DbRetryOptions {
  readonly retries: number;
  readonly minTimeoutMs: number;
  /** A stop (SIGINT/SIGTERM) cuts the wait between attempts short: the operation then fails with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Told of each failed attempt that is retried (the run's `database-retry` event). */
  readonly onRetry?: ((attempt: number, err: unknown) => void) | undefined;
}

/** 16–32 s of patience: long enough for a PostgreSQL restart or a managed fail-over. */
export const DEFAULT_DB_RETRY: DbRetryOptions = { retries: 6, minTimeoutMs: 250 };

/**
 * The one retry helper for database operations: retries with backoff while the failure is transient. Only for an
 * operation that is safe to repeat — a read, or a write that has the same effect done twice (our page writes: one
 * statement that never stores a candle twice). A write that is not (an INSERT that would add a second row) must
 * not go through it. A failure that persists becomes one DatabaseError naming `what`, which stops the run:
 * committed data stays committed.
 */
export async function retryTransient<T>(what: string, fn: () => Promise<T>, opts: DbRetryOptions = DEFAULT_DB_RETRY): Promise<T> {
  const { signal } = opts;
  try {
    return await pRetry(fn, {
      retries: opts.retries,
      // The backoff is slept here rather than by p-retry, so that a stop cuts it short without p-retry discarding an
      // attempt that went through (it would, given the signal).
      minTimeout: 0,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0 || !isTransientFailure(error)) return;
        opts.onRetry?.(attemptNumber, error);
        const backoff = Math.min(8000, opts.minTimeoutMs * 2 ** (attemptNumber - 1)) * (1 + Math.random());
        await systemClock.sleep(backoff, signal);
      },
      shouldRetry: ({ error }) => isTransientFailure(error),
    });
  } catch (err) {
    if (signal?.aborted && err === signal.reason) throw err;
    const failure = translateDbError(err);
    // The tool's own errors (the embedded store's disk full, its crash) already say all there is to say.
    if (!(failure instanceof DatabaseFailure)) throw failure;
    const facts = { sqlstate: failure.sqlstate, transient: failure.transient, reason: failure.reason };
    // A connection that stayed lost (or a server that stayed unreachable) through every retry says so; any other
    // failure, a serialization failure that kept recurring too, in its own words.
    if (failure.transient && failure.code !== 'database-serialization') {
      const message = `${what} failed: lost the database connection and could not get it back (${failure.reason}); committed data is kept, run again once the database is up`;
      throw new DatabaseFailure('database-unavailable', message, facts, err);
    }
    throw new DatabaseFailure(failure.code, `${what} failed: ${failure.message}`, facts, err);
  }
}
