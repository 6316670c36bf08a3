import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type Cursor from 'pg-cursor';
import type { Translate } from './translating-dialect.js';

/** A result's value as PostgreSQL prints it (numeric keeps its scale, bigint its digits), or NULL. */
export type TextValue = string | null;

export interface UserQueryField {
  readonly name: string;
  /** The type's OID (numbers read best right-aligned). */
  readonly typeId: number;
}

/** Where the rows go, batch by batch: the columns once, before the first batch (also when there is none). */
export interface UserQuerySink {
  columns(fields: readonly UserQueryField[]): Promise<void>;
  rows(batch: ReadonlyArray<readonly TextValue[]>): Promise<void>;
}

/**
 * Runs one statement a user wrote (`cryptocollect sql`) in a read-only transaction, which is always rolled back.
 *
 * Safety rests on the database, not on reading the SQL: the statement is sent alone with the extended protocol, which
 * refuses a second statement (`cannot insert multiple commands into a prepared statement`), so it can neither end the
 * read-only transaction nor start another; anything that would write in it (INSERT…, DDL, SELECT … FOR UPDATE,
 * nextval, a function that writes) fails with SQLSTATE 25006. Times print in UTC, whatever the session's zone.
 */
export type UserQuery = (text: string, sink: UserQuerySink) => Promise<void>;

/** Rows are fetched this many at a time (PostgreSQL streams them; see below for PGlite). */
export const USER_QUERY_BATCH = 1000;

const SESSION = `set local timezone = 'UTC'; set local datestyle = 'ISO, YMD'; set local intervalstyle = 'postgres'`;

/** Every value as the server's text: pg parses none of them. */
const AS_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** PostgreSQL: a portal read in batches (pg-cursor), so a large result is never held whole. */
export function postgresUserQuery(pool: pg.Pool, translate: Translate): UserQuery {
  return async (text, sink) => {
    const PgCursor = (await import('pg-cursor')).default;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw translate(err);
    }
    let broken: unknown;
    // The sink's own failures (stdout closed) are not the database's: they pass untranslated.
    let sinkFailure: unknown;
    const deliver = async (fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        sinkFailure = err;
        throw err;
      }
    };
    let cursor: Cursor<TextValue[]> | undefined;
    try {
      await client.query(`begin read only; ${SESSION}`);
      const open = client.query(new PgCursor<TextValue[]>(text, [], { rowMode: 'array', types: AS_TEXT }));
      cursor = open;
      let announced = false;
      for (;;) {
        // The result (its fields) comes with the reads until the portal is done; a read after that has rows only.
        const { rows, fields } = await new Promise<{ rows: TextValue[][]; fields: pg.FieldDef[] }>((resolve, reject) => {
          open.read(USER_QUERY_BATCH, (err, rows, result?: pg.QueryResult) => (err ? reject(err) : resolve({ rows, fields: result?.fields ?? [] })));
        });
        if (!announced) {
          announced = true;
          await deliver(() => sink.columns(fields.map((f) => ({ name: f.name, typeId: f.dataTypeID }))));
        }
        if (rows.length === 0) break;
        await deliver(() => sink.rows(rows));
      }
    } catch (err) {
      broken = err;
      throw err === sinkFailure ? err : translate(err);
    } finally {
      // The portal must close before the client takes another statement (it would queue behind it for ever).
      await cursor?.close().catch(() => undefined);
      // Nothing is ever committed. A client whose rollback fails is dropped rather than handed back to the pool.
      const rolledBack = await client.query('rollback').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : broken instanceof Error ? broken : new Error('rollback failed'));
    }
  };
}

/**
 * PGlite: its query() uses the extended protocol (one statement only) but returns a result whole, so the rows are
 * held in memory before they are printed: a result of millions of rows wants a LIMIT, or `export`.
 */
export function pgliteUserQuery(db: PGlite, translate: Translate): UserQuery {
  return async (text, sink) => {
    // Each type's own parser replaced by the identity: every value comes back as the server printed it.
    const parsers = Object.fromEntries(Object.keys(db.parsers).map((oid) => [oid, (value: string) => value]));
    let result: Awaited<ReturnType<PGlite['query']>>;
    try {
      await db.exec(`begin read only; ${SESSION}`);
      try {
        result = await db.query<TextValue[]>(text, [], { rowMode: 'array', parsers });
      } finally {
        await db.exec('rollback');
      }
    } catch (err) {
      throw translate(err);
    }
    await sink.columns(result.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })));
    const rows = result.rows as TextValue[][];
    for (let i = 0; i < rows.length; i += USER_QUERY_BATCH) await sink.rows(rows.slice(i, i + USER_QUERY_BATCH));
  };
}
