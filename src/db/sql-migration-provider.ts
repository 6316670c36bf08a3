import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export interface MigrationFiles {
  readdir(dir: URL): Promise<string[]>;
  readFile(file: URL): Promise<string>;
}

/**
 * Numbered forward-only SQL files (`sql/000001_name.sql`) as Kysely migrations. Kysely's Migrator brings the
 * rest: one transaction per migration, and an advisory lock so two processes starting at once don't both migrate.
 */
export class SqlMigrationProvider implements MigrationProvider {
  constructor(
    private readonly dir: URL,
    private readonly files: MigrationFiles,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await this.files.readdir(this.dir)).filter((n) => /^\d+_.+\.sql$/.test(n)).sort();
    const out: Record<string, Migration> = {};
    for (const name of names) {
      const text = await this.files.readFile(new URL(name, this.dir));
      out[name.replace(/\.sql$/, '')] = {
        up: async (db: Kysely<unknown>) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return out;
  }
}
