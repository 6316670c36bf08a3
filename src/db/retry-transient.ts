import pRetry from 'p-retry';
import { systemClock } from '../clock.js';
import { DatabaseError, errorMessage } from '../errors.js';

/**
 * Which database failures are worth retrying: the server restarting or failing over, a dropped connection,
 * serialization failures and deadlocks. Everything else (constraint violations, disk full, permissions) is not.
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
]);

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Failures that retrying cannot fix, with the words a user needs. */
const PERMANENT_SQLSTATES: Record<string, string> = {
  '53100': 'the database server is out of disk space',
  '53200': 'the database server is out of memory',
  '42501': 'the database user lacks a permission it needs',
  '25006': 'the database is read-only',
};

export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && (TRANSIENT_SQLSTATES.has(e.code) || TRANSIENT_NODE_CODES.has(e.code))) return true;
  // node-postgres reports a server that went away (mid-query, or earlier on a pooled client) without a code.
  return (
    typeof e?.message === 'string' &&
    /Connection terminated|connection timeout|terminating connection|not queryable|timeout exceeded when trying to connect/i.test(e.message)
  );
}

export function describeDbError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const known = typeof code === 'string' ? PERMANENT_SQLSTATES[code] : undefined;
  return known ? `${known} (${errorMessage(err)})` : errorMessage(err);
}

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
 * Runs a database operation, retrying it with backoff while the failure is transient. The operation must be
 * idempotent (our page writes are: one statement that never stores a candle twice). A failure that persists becomes a
 * DatabaseError, which stops the run: committed data stays committed.
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
        if (retriesLeft <= 0 || !isTransientDbError(error)) return;
        opts.onRetry?.(attemptNumber, error);
        const backoff = Math.min(8000, opts.minTimeoutMs * 2 ** (attemptNumber - 1)) * (1 + Math.random());
        await systemClock.sleep(backoff, signal);
      },
      shouldRetry: ({ error }) => isTransientDbError(error),
    });
  } catch (err) {
    if (signal?.aborted && err === signal.reason) throw err;
    if (err instanceof DatabaseError) throw err;
    const transient = isTransientDbError(err);
    const message = transient
      ? `${what} failed: lost the database connection and could not get it back (${errorMessage(err)}); committed data is kept, run again once the database is up`
      : `${what} failed: ${describeDbError(err)}`;
    throw new DatabaseError(transient ? 'database-unavailable' : 'database-error', message, {}, { cause: err });
  }
}
