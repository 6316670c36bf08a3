import { readdir, readFile } from 'node:fs/promises';
import { Migrator, type Kysely } from 'kysely';
import { CryptocollectError, DatabaseError, errorMessage } from '../errors.js';
import { DatabaseFailure } from './database-failure.js';
import type { Database } from './schema.js';
import { SqlMigrationProvider } from './sql-migration-provider.js';

export const SQL_DIR = new URL('../../sql/', import.meta.url);

/** The tool's migrator: the numbered files in sql/, tracked in its own tables. */
export function createMigrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: new SqlMigrationProvider(SQL_DIR, {
      readdir: (dir) => readdir(dir),
      readFile: (file) => readFile(file, 'utf8'),
    }),
    migrationTableName: 'cryptocollect_migration',
    migrationLockTableName: 'cryptocollect_migration_lock',
  });
}

/** Brings the schema up to date; idempotent, safe when several processes start at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (!error) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const which = failed ? `database migration ${failed}` : 'the database migration';
  // A migration stopped by the database itself (out of disk space, read-only, permissions) is reported as that.
  if (error instanceof DatabaseFailure && error.code !== 'database-error') {
    throw new DatabaseFailure(error.code, `${which} failed: ${error.message}`, error, error);
  }
  if (error instanceof CryptocollectError && !(error instanceof DatabaseFailure)) throw error;
  const reason = error instanceof DatabaseFailure ? error.reason : errorMessage(error);
  throw new DatabaseError('migration-failed', `${which} failed: ${reason}`, {}, { cause: error });
}
