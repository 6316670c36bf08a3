import { lstat, rm } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { DatabaseError } from '../errors.js';
import { dataDirError } from './data-dir-errors.js';
import { storeComplete, unpackTemplate } from './embedded-template.js';
import { abandonBackend } from './pglite-abort-guard.js';
import type { WatchedNodeFS } from './watched-node-fs.js';

export interface OpenedPglite {
  readonly pg: PGlite;
  readonly fs: WatchedNodeFS;
}

/**
 * How V8 compiles PostgreSQL's WebAssembly. `baseline`: Liftoff only. `tiered`: Liftoff first, and the functions a
 * long run keeps calling are recompiled by TurboFan. The optimising compiler pays off on a long ingest (the
 * headline job takes a sixth less CPU) but costs about 0.4 CPU-s and 60 MB during a short command, which it
 * finishes before the optimised code is used (README "Performance").
 */
export type WasmTiering = 'baseline' | 'tiered';

export interface OpenPgliteOptions {
  /** Create a new store from the package's template (the default); false: by initdb, as the template itself is made. */
  readonly fromTemplate?: boolean;
  /** Default `tiered`. */
  readonly tiering?: WasmTiering;
}

/**
 * V8's flags for the module about to be compiled: PGlite compiles its module anew at each start, and a flag is read
 * when it does, so each open sets both ways (several opens in one process, as in the tests, each get their own).
 * `tiered` raises V8's tier-up budget a thousandfold: a function is optimised only once it has run for a while, so a
 * command that opens, looks and closes (forward with little to do) never pays for it, and a long run optimises only
 * the few functions it spends its time in. Each optimisation's compile keeps its memory in the malloc arena of the
 * thread that ran it: at a hundredfold the headline job peaked 20–30 MB higher for no less CPU.
 */
async function setWasmTiering(tiering: WasmTiering): Promise<void> {
  const v8 = await import('node:v8');
  v8.setFlagsFromString(tiering === 'baseline' ? '--liftoff-only' : '--no-liftoff-only');
  v8.setFlagsFromString(`--wasm-tiering-budget=${tiering === 'baseline' ? DEFAULT_TIERING_BUDGET : TIERED_BUDGET}`);
}

/** V8's default in Node 20. */
const DEFAULT_TIERING_BUDGET = 1_800_000;
/** The flag is a 32-bit integer: a thousandfold is near its largest (2^31 − 1, about 1,193 times the default). */
const TIERED_BUDGET = 1000 * DEFAULT_TIERING_BUDGET;

/**
 * PostgreSQL settings given at every start (so they hold for stores made by older versions too), measured on the
 * headline job (README "Performance"). PGlite's defaults already run without fsync (-F) in one process.
 * - shared_buffers: PostgreSQL's 128 MB are all touched when the backend starts, in WebAssembly memory that is never
 *   given back: 16 MB take 130 MB off every command's peak memory and 0.2 CPU-s off every start, and the headline job
 *   runs no slower (the host's page cache still holds the store).
 * Kept as they are, on purpose: synchronous_commit (a single-user backend has no WAL writer: off, a committed page
 * would sit in WAL buffers until the next flush and be lost to kill -9) and full_page_writes (a SIGKILL may cut a
 * page write short at a 4 kB boundary, and the full page image in the WAL is what repairs it).
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
};

/**
 * Starts PGlite on `location` (inside the data directory `dataDir`). A new store is unpacked from the template
 * (db/embedded-template.ts) unless told otherwise. If it cannot start, the error says why (disk full, read-only,
 * PostgreSQL's FATAL line), nothing is left running, and a store this start was creating is removed: a first start
 * cut short in the process would otherwise leave a folder that looks like a database and never starts.
 */
export async function openPglite(dataDir: string, location: string, opts: OpenPgliteOptions = {}): Promise<OpenedPglite> {
  const creating = await lstat(location).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
  const removeCreated = async (): Promise<void> => {
    if (creating) await rm(location, { recursive: true, force: true }).catch(() => undefined);
  };
  if (opts.fromTemplate !== false && !storeComplete(location)) {
    try {
      await unpackTemplate(location);
    } catch (err) {
      await removeCreated();
      // The store folder is what cannot be written, whichever of its files met the refusal first.
      const refusal = dataDirError(Object.assign(err as object, { path: location }), dataDir);
      if (refusal) throw refusal;
      throw new DatabaseError('embedded-open-failed', `cannot create the embedded database in ${location}: ${(err as Error).message}`, {}, { cause: err });
    }
  }
  // Loaded only for the embedded database: PostgreSQL users never pay for the WASM build's start-up.
  const [{ PGlite }, { WatchedNodeFS }] = await Promise.all([import('@electric-sql/pglite'), import('./watched-node-fs.js')]);
  let fs: WatchedNodeFS;
  try {
    fs = new WatchedNodeFS(location, dataDir);
  } catch (err) {
    throw dataDirError(err, dataDir) ?? err;
  }
  await setWasmTiering(opts.tiering ?? 'tiered');
  const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const pg = new PGlite({ fs, startParams: [...PGlite.defaultStartParams, ...settings] });
  try {
    await pg.waitReady;
    return { pg, fs };
  } catch (err) {
    abandonBackend(pg);
    await removeCreated();
    throw fs.explainOpenFailure(err, location);
  }
}
