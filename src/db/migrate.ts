import { readdir, readFile } from 'node:fs/promises';
import { Migrator, type Kysely } from 'kysely';
import { DatabaseError } from '../errors.js';
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
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError('migration-failed', `database migration ${failed ?? ''} failed: ${reason}`.replace('  ', ' '), {}, { cause: error });
  }
}
