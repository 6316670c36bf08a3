// A fresh database of either kind for one scenario: a new PostgreSQL database on the test cluster, or a new
// embedded data directory. Both start migrated (a clone of the run's template) unless `store: 'empty'` asks for what
// a first start meets: an empty PostgreSQL database, an empty data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyPgliteTemplate } from './pglite-template.ts';
import type { CliTarget } from './run-cli.ts';
import { releaseStore } from './stored-rows.ts';
import { createTestDatabase } from './test-database.ts';

export type DbKind = 'postgres' | 'embedded';
export const DB_KINDS: DbKind[] = ['postgres', 'embedded'];

export interface Target extends CliTarget {
  kind: DbKind;
  cleanup(): Promise<void>;
}

export interface TargetOptions {
  /** 'migrated' (default): the latest schema, as after a first run. 'empty': nothing yet, as on a first start. */
  store?: 'migrated' | 'empty';
}

export async function makeTarget(kind: DbKind, baseUrl: string, env: Record<string, string> = {}, options: TargetOptions = {}): Promise<Target> {
  const store = options.store ?? 'migrated';
  const dataDir = await mkdtemp(path.join(tmpdir(), `cc-${kind}-`));
  const removeDataDir = async () => {
    await releaseStore(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  };
  if (kind === 'embedded') {
    if (store === 'migrated') await copyPgliteTemplate(dataDir);
    return { kind, baseUrl, dataDir, env, cleanup: removeDataDir };
  }
  const db = await createTestDatabase('cli', { schema: store });
  return {
    kind,
    baseUrl,
    dataDir,
    databaseUrl: db.url,
    env,
    cleanup: async () => {
      await db.drop();
      await removeDataDir();
    },
  };
}
