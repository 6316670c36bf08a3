import type { MigrateResult } from '../commands/migrate.js';

export function renderMigrate(result: MigrateResult): string {
  if (result.applied.length === 0) return `The schema of ${result.database} is up to date (schema ${result.schema_after}).\n`;
  return `Upgraded ${result.database} from schema ${result.schema_before} to ${result.schema_after}: applied ${result.applied.join(', ')}.\n`;
}
