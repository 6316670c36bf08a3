import { lstat, rm } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { dataDirError } from './data-dir-errors.js';
import { abandonBackend } from './pglite-abort-guard.js';
import type { WatchedNodeFS } from './watched-node-fs.js';

export interface OpenedPglite {
  readonly pg: PGlite;
  readonly fs: WatchedNodeFS;
}

/**
 * Starts PGlite on `location` (inside the data directory `dataDir`). If it cannot start, the error says why (disk
 * full, read-only, PostgreSQL's FATAL line), nothing is left running, and a store this start was creating is
 * removed: a first start cut short (initdb's files are unpacked into the folder one by one) would otherwise leave
 * a folder that looks like a database and never starts.
 */
export async function openPglite(dataDir: string, location: string): Promise<OpenedPglite> {
  const creating = await lstat(location).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
  // Loaded only for the embedded database: PostgreSQL users never pay for the WASM build's start-up.
  const [{ PGlite }, { WatchedNodeFS }] = await Promise.all([import('@electric-sql/pglite'), import('./watched-node-fs.js')]);
  let fs: WatchedNodeFS;
  try {
    fs = new WatchedNodeFS(location, dataDir);
  } catch (err) {
    throw dataDirError(err, dataDir) ?? err;
  }
  const pg = new PGlite({ fs });
  try {
    await pg.waitReady;
    return { pg, fs };
  } catch (err) {
    abandonBackend(pg);
    if (creating) await rm(location, { recursive: true, force: true }).catch(() => undefined);
    throw fs.explainOpenFailure(err, location);
  }
}
