// A fresh database of either kind for one scenario: a new PostgreSQL database on the test cluster, or a new
// embedded data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliTarget } from './run-cli.ts';
import { createTestDatabase } from './test-database.ts';

export type DbKind = 'postgres' | 'embedded';
export const DB_KINDS: DbKind[] = ['postgres', 'embedded'];

export interface Target extends CliTarget {
  kind: DbKind;
  cleanup(): Promise<void>;
}

export async function makeTarget(kind: DbKind, baseUrl: string, env: Record<string, string> = {}): Promise<Target> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `cc-${kind}-`));
  if (kind === 'embedded') {
    return { kind, baseUrl, dataDir, env, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const db = await createTestDatabase('cli');
  return {
    kind,
    baseUrl,
    dataDir,
    databaseUrl: db.url,
    env,
    cleanup: async () => {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
