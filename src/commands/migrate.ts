import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open-database.js';
import { readSchemaState } from '../db/schema-version.js';
import type { CommandContext } from './context.js';

export interface MigrateResult {
  /** Where the database is, safe to print. */
  readonly database: string;
  /** The schema version before and after (the highest migration number applied; 0: none). */
  readonly schema_before: number;
  readonly schema_after: number;
  /** The migrations this run applied, in order. */
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to date and says what it did: for a deployment that upgrades before its read-only users (a
 * role with only SELECT, a standby's `status`) meet the new binary. The collecting commands migrate by themselves.
 */
export async function runMigrate(ctx: CommandContext): Promise<MigrateResult> {
  const target = { databaseUrl: ctx.config.databaseUrl, dataDir: ctx.config.dataDir, poolSize: 2 };
  const handle = await openDatabase(target, { access: 'write', migrate: false });
  try {
    const before = await readSchemaState(handle.db);
    await migrateToLatest(handle.db);
    const after = await readSchemaState(handle.db);
    return {
      database: handle.location,
      schema_before: before.version,
      schema_after: after.version,
      applied: before.pending.filter((n) => !after.pending.includes(n)),
    };
  } finally {
    await handle.close();
  }
}
