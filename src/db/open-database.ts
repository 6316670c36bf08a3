import { Kysely, PostgresDialect, sql } from 'kysely';
import { DatabaseError } from '../errors.js';
import { copyCapablePool } from './copy-capable-pool.js';
import { DatabaseFailure, translateDbError, type DatabasePlace } from './database-failure.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { embeddedStoreLocation } from './embedded-store.js';
import { migrateToLatest } from './migrate.js';
import { openPglite, type OpenedPglite, type OpenPgliteOptions } from './open-pglite.js';
import { scriptCapable } from './pglite-script-client.js';
import { redactUrl } from './redact-url.js';
import type { Database } from './schema.js';
import { assertNotTooNew, readSchemaState, type SchemaState } from './schema-version.js';
import { noSeriesLocker, postgresSeriesLocker, type SeriesLocker } from './series-locks.js';
import { translatingDialect } from './translating-dialect.js';
import { pgliteUserQuery, postgresUserQuery, type UserQuery } from './user-query.js';

export interface DatabaseTarget {
  /** PostgreSQL connection URL; when absent the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly poolSize: number;
}

/**
 * `write`: the collecting commands — the schema is brought up to date first. `read`: status, gaps without
 * --fill/--recheck — a current schema is opened as it is and every session is read-only (works for a role with only
 * SELECT, and on a read-only standby); an out-of-date one is upgraded first if this connection may, else the
 * command says to run `cryptocollect migrate`.
 */
export type DatabaseAccess = 'read' | 'write';

export interface OpenOptions {
  readonly access?: DatabaseAccess;
  /** Leave the schema as it is (`cryptocollect migrate` does it itself); a schema too new is still refused. */
  readonly migrate?: boolean;
  /** A new embedded store is unpacked from the package's template (default); false: made by initdb and migrated. */
  readonly fromTemplate?: boolean;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'embedded';
  readonly access: DatabaseAccess;
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** Locks series against other processes for the duration of a run. */
  readonly lockSeries: SeriesLocker;
  /** One statement a user wrote, read-only, its values as text (`cryptocollect sql`; db/user-query.ts). */
  readonly userQuery: UserQuery;
  close(): Promise<void>;
}

/**
 * Opens the configured database and returns it ready to use: refused when a newer cryptocollect upgraded it (exit
 * code 4), brought up to date when writing, left as it is (and read-only) when reading a current schema.
 */
export async function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Promise<DatabaseHandle> {
  const access = opts.access ?? 'write';
  const migrate = opts.migrate ?? true;
  if (!target.databaseUrl) {
    // A read looks and closes: the optimising compiler would only cost it time and memory (db/open-pglite.ts).
    const handle = await openEmbedded(target.dataDir, { fromTemplate: opts.fromTemplate ?? true, tiering: access === 'read' ? 'baseline' : 'tiered' });
    return prepare(handle, access, migrate, (h) => readOnlySession(h));
  }
  const url = target.databaseUrl;
  if (access === 'write') return prepare(await openPostgres(url, target.poolSize, 'write'), 'write', migrate);
  // Read-only from the first statement on, so that a read never takes a write path by accident; an out-of-date
  // schema is upgraded on a writing connection of its own, and then read through a fresh read-only pool.
  const reader = await openPostgres(url, target.poolSize, 'read');
  let state: SchemaState;
  try {
    state = await checkedState(reader);
  } catch (err) {
    await reader.close().catch(() => undefined);
    throw err;
  }
  if (state.pending.length === 0 || !migrate) return reader;
  await reader.close();
  const writer = await openPostgres(url, 1, 'write');
  try {
    await upgradeForReading(writer, state);
  } finally {
    await writer.close();
  }
  return openPostgres(url, target.poolSize, 'read');
}

async function prepare(handle: DatabaseHandle, access: DatabaseAccess, migrate: boolean, readOnly?: (h: DatabaseHandle) => Promise<void>): Promise<DatabaseHandle> {
  try {
    const state = await checkedState(handle);
    if (migrate && state.pending.length > 0) {
      if (access === 'write') await migrateToLatest(handle.db);
      else await upgradeForReading(handle, state);
    }
    if (access === 'read' && readOnly) await readOnly(handle);
    return { ...handle, access };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

async function checkedState(handle: DatabaseHandle): Promise<SchemaState> {
  const state = await readSchemaState(handle.db);
  assertNotTooNew(state);
  return state;
}

/**
 * A read command on a schema older than this binary: it cannot read what it does not find, so the schema is
 * upgraded as a collecting command would (what cron's next `forward` would do anyway). A connection that may not
 * (a read-only role, a standby) is told how to do it instead.
 */
async function upgradeForReading(handle: DatabaseHandle, state: SchemaState): Promise<void> {
  try {
    await migrateToLatest(handle.db);
  } catch (err) {
    if (err instanceof DatabaseFailure && (err.code === 'database-read-only' || err.code === 'database-permission-denied')) {
      throw new DatabaseFailure(
        err.code,
        `this database's schema is older than this cryptocollect's (schema ${state.version}, this one knows ${state.latest}) and this connection may not upgrade it (${err.reason}); run \`cryptocollect migrate\` as a user that may`,
        err,
        err,
      );
    }
    throw err;
  }
}

/** The embedded store has one session: reading, it refuses writes for the rest of the process. */
async function readOnlySession(handle: DatabaseHandle): Promise<void> {
  await sql`set default_transaction_read_only = on`.execute(handle.db);
}

function placeOf(url: string): DatabasePlace {
  const location = redactUrl(url);
  try {
    const u = new URL(url);
    return { location, url, host: u.host, user: decodeURIComponent(u.username), database: decodeURIComponent(u.pathname.replace(/^\//, '')) };
  } catch {
    // URL validity is checked with the configuration; messages then name the redacted location only.
    return { location, url };
  }
}

async function openPostgres(url: string, poolSize: number, access: DatabaseAccess, readOnlyStartup = access === 'read'): Promise<DatabaseHandle> {
  const place = placeOf(url);
  const translate = (err: unknown) => translateDbError(err, place);
  // Loaded only for PostgreSQL: the embedded store's commands never pay for the driver's start-up.
  // Both CommonJS: their exports are the default export, in Node and in the bundle alike.
  const [{ default: pg }, { default: copyStreams }] = await Promise.all([import('pg'), import('pg-copy-streams')]);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 15_000,
    // Set at connection start-up, so every session of the pool is read-only before its first statement — never by
    // a SET, which a pooler in transaction mode would pass on to other clients' sessions.
    ...(readOnlyStartup ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // A client losing its server (a restart) must not crash the process with an unhandled 'error' event, idle or
  // checked out: the next query on it fails instead, and that failure is retried (db/retry-transient.ts).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // Its clients also run COPY FROM STDIN (db/copy-in.ts): the archive's pages are written in bulk.
  const db = new Kysely<Database>({ dialect: translatingDialect(new PostgresDialect({ pool: copyCapablePool(pool, copyStreams.from) }), translate) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    // PgBouncer refuses start-up options: the read commands issue no write anyway, so they go without the guard.
    if (readOnlyStartup && err instanceof DatabaseFailure && /unsupported startup parameter/i.test(err.reason)) return openPostgres(url, poolSize, access, false);
    throw connectFailure(err, place);
  }
  return {
    db,
    kind: 'postgres',
    access,
    location: place.location,
    lockSeries: postgresSeriesLocker(pool, translate),
    userQuery: postgresUserQuery(pool, translate),
    close: () => db.destroy(),
  };
}

/** A failure to connect that the translation has no words for is still a failure to connect. */
function connectFailure(err: unknown, place: DatabasePlace): unknown {
  if (err instanceof DatabaseFailure && err.code === 'database-error' && err.sqlstate === null) {
    return new DatabaseError('database-unreachable', `cannot connect to PostgreSQL at ${place.location}: ${err.reason}`, { sqlstate: null, transient: false }, { cause: err });
  }
  return err;
}

async function openEmbedded(dataDir: string, opts: OpenPgliteOptions): Promise<DatabaseHandle> {
  const lock = await acquireEmbeddedLock(dataDir);
  const location = embeddedStoreLocation(dataDir);
  let opened: OpenedPglite;
  try {
    opened = await openPglite(dataDir, location, opts);
  } catch (err) {
    await lock.release();
    throw err;
  }
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  const place: DatabasePlace = { location: `the embedded database in ${dataDir}` };
  const translate = (err: unknown): unknown => translateDbError(err, place);
  const dialect = translatingDialect(new PGliteDialect(scriptCapable(opened.pg, opened.fs)), translate);
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    kind: 'embedded',
    access: 'write',
    location,
    lockSeries: noSeriesLocker,
    userQuery: pgliteUserQuery(opened.pg, translate),
    close: async () => {
      try {
        await db.destroy();
      } finally {
        await lock.release();
      }
    },
  };
}
