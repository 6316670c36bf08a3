import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DatabaseError } from '../errors.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { migrateToLatest } from './migrate.js';
import { openPglite, type OpenedPglite } from './open-pglite.js';
import { scriptCapable } from './pglite-script-client.js';
import { redactUrl } from './redact-url.js';
import type { Database } from './schema.js';
import { noSeriesLocker, postgresSeriesLocker, type SeriesLocker } from './series-locks.js';

export interface DatabaseTarget {
  /** PostgreSQL connection URL; when absent the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly poolSize: number;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'embedded';
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** Locks series against other processes for the duration of a run. */
  readonly lockSeries: SeriesLocker;
  close(): Promise<void>;
}

/** Opens the configured database, brings its schema up to date, and returns it ready to use. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  const handle = target.databaseUrl ? await openPostgres(target.databaseUrl, target.poolSize) : await openEmbedded(target.dataDir);
  try {
    await migrateToLatest(handle.db);
  } catch (err) {
    await handle.close();
    // A migration stopped by the database itself (the embedded store's disk full, say) is reported as that.
    throw err instanceof DatabaseError && err.cause instanceof DatabaseError ? err.cause : err;
  }
  return handle;
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const location = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 15_000 });
  // A client losing its server (a restart) must not crash the process with an unhandled 'error' event, idle or
  // checked out: the next query on it fails instead, and that failure is retried (db/retry-transient.ts).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw describeConnectError(err, url, location);
  }
  return { db, kind: 'postgres', location, lockSeries: postgresSeriesLocker(pool), close: () => db.destroy() };
}

async function openEmbedded(dataDir: string): Promise<DatabaseHandle> {
  const lock = await acquireEmbeddedLock(dataDir);
  const location = path.join(dataDir, 'pgdata');
  let opened: OpenedPglite;
  try {
    opened = await openPglite(dataDir, location);
  } catch (err) {
    await lock.release();
    throw err;
  }
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  const db = new Kysely<Database>({ dialect: new PGliteDialect(scriptCapable(opened.pg, opened.fs)) });
  return {
    db,
    kind: 'embedded',
    location,
    lockSeries: noSeriesLocker,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        await lock.release();
      }
    },
  };
}

function describeConnectError(err: unknown, url: string, location: string): DatabaseError {
  const e = err as { code?: string; message?: string };
  let user = '';
  let database = '';
  let host = '';
  try {
    const u = new URL(url);
    user = decodeURIComponent(u.username);
    database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    host = u.host;
  } catch {
    // URL validity is checked with the configuration; keep the generic message.
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return new DatabaseError('database-unreachable', `cannot reach PostgreSQL at ${host || location}: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DatabaseError('database-unreachable', `cannot reach PostgreSQL: host ${host} not found`);
    case 'ETIMEDOUT':
      return new DatabaseError('database-unreachable', `cannot reach PostgreSQL at ${host}: timed out`);
    case '28P01':
    case '28000':
      return new DatabaseError('database-auth-failed', `PostgreSQL at ${host} refused the credentials for user "${user}"`);
    case '3D000':
      return new DatabaseError('database-missing', `PostgreSQL at ${host} has no database "${database}"; create it first (createdb ${database})`);
    default: {
      // pg's messages do not contain the password, but the URL might be echoed by other layers: strip it.
      const message = (e.message ?? String(err)).split(url).join(location);
      return new DatabaseError('database-unreachable', `cannot connect to PostgreSQL at ${location}: ${message}`);
    }
  }
}
