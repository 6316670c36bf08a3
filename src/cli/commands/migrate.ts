import type { MigrateResult } from '../../commands/migrate.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';

/** `migrate --json` prints the MigrateResult: `{ database, schema_before, schema_after, applied[] }`. */
export const migrate: CommandDefinition<object, null, MigrateResult> = {
  name: 'migrate',
  description: 'bring the database schema up to date (the collecting commands do it by themselves)',
  selection: 'none',
  options: () => [],
  examples: [
    'cryptocollect migrate --database-url postgres://owner@db/candles   # before read-only users meet a new version',
    'cryptocollect migrate --json --quiet',
  ],
  parse: () => Promise.resolve(null),
  progress: false,
  async run(ctx) {
    const { runMigrate } = await import('../../commands/migrate.js');
    return runMigrate(ctx);
  },
  json: (result) => result,
  async human(result) {
    const { renderMigrate } = await import('../../output/render-migrate.js');
    return renderMigrate(result);
  },
  exitCode: () => EXIT.success,
  notice: () => undefined,
};
