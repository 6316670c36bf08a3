import { readdir } from 'node:fs/promises';
import { sql } from 'kysely';
import { DatabaseError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { SQL_DIR } from './migrate.js';
import type { Db } from './schema.js';

/** Where a database's schema stands against this binary's migrations (the numbered files in sql/). */
export interface SchemaState {
  /** The highest migration number the database has applied (0: none, a fresh database). */
  readonly version: number;
  /** The highest this binary knows. */
  readonly latest: number;
  /** Applied migrations this binary does not have: a newer cryptocollect upgraded the database. */
  readonly unknown: readonly string[];
  /** This binary's migrations the database has not applied yet. */
  readonly pending: readonly string[];
}

const numberOf = (name: string): number => Number(/^(\d+)_/.exec(name)?.[1] ?? 0);

export async function knownMigrations(): Promise<string[]> {
  return (await readdir(SQL_DIR))
    .filter((n) => /^\d+_.+\.sql$/.test(n))
    .map((n) => n.replace(/\.sql$/, ''))
    .sort();
}

/** Reads the migration table (read-only: a fresh database without one is at version 0). */
export async function readSchemaState(db: Db): Promise<SchemaState> {
  const known = await knownMigrations();
  const exists = await sql<{ present: boolean }>`select to_regclass('cryptocollect_migration') is not null as present`.execute(db);
  const applied = exists.rows[0]?.present ? (await sql<{ name: string }>`select name from cryptocollect_migration`.execute(db)).rows.map((r) => r.name) : [];
  const appliedSet = new Set(applied);
  const knownSet = new Set(known);
  return {
    version: Math.max(0, ...applied.map(numberOf)),
    latest: Math.max(0, ...known.map(numberOf)),
    unknown: applied.filter((n) => !knownSet.has(n)).sort(),
    pending: known.filter((n) => !appliedSet.has(n)),
  };
}

export function isTooNew(state: SchemaState): boolean {
  return state.unknown.length > 0 || state.version > state.latest;
}

/** Refuses a database a newer cryptocollect upgraded: this binary would misread (or damage) what it does not know. */
export function assertNotTooNew(state: SchemaState): void {
  if (!isTooNew(state)) return;
  throw new DatabaseError(
    'database-schema-too-new',
    `this database was upgraded by a newer cryptocollect (schema ${state.version}, this one knows ${state.latest})`,
    { schema: state.version, known: state.latest },
    undefined,
    EXIT.schemaTooNew,
  );
}
