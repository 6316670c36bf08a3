// The embedded store every embedded scenario starts from. Creating a PGlite store (initdb inside WASM, then the
// migrations) costs 5–9 s; copying a finished one costs well under one. So the real CLI creates and migrates one
// store per test run (`status` opens the store like every command and never calls the exchange), and each target
// gets a copy of its `pgdata` — never of the lock file or anything else the data directory holds.
// run-tests.ts builds it and names it in CRYPTOCOLLECT_TEST_PGLITE_TEMPLATE; a test process started some other
// way builds one of its own on first use.
import { constants, rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli.ts';

export const TEST_PGLITE_TEMPLATE_ENV = 'CRYPTOCOLLECT_TEST_PGLITE_TEMPLATE';

/** Where the embedded database lives inside a data directory (src/db/open-database.ts). */
export const STORE_DIR = 'pgdata';

export interface PgliteTemplate {
  /** The migrated store: a `pgdata` folder. */
  store: string;
  /** Removes the template. Safe to call more than once. */
  remove(): Promise<void>;
}

export async function createPgliteTemplate(): Promise<PgliteTemplate> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cc-pglite-template-'));
  const remove = () => rm(dataDir, { recursive: true, force: true });
  // Nothing listens on port 9: the command must not need the exchange.
  const res = await runCli({ baseUrl: 'http://127.0.0.1:9', dataDir }, ['status', '--json']);
  if (res.code !== 0) {
    await remove();
    throw new Error(`the CLI could not create the embedded template store (exit ${res.code}; is dist/ built? npx tsc -p tsconfig.json):\n${res.stderr}`);
  }
  return { store: path.join(dataDir, STORE_DIR), remove };
}

let ownTemplate: Promise<PgliteTemplate> | undefined;

function templateStore(): Promise<string> {
  const fromRun = process.env[TEST_PGLITE_TEMPLATE_ENV];
  if (fromRun) return Promise.resolve(fromRun);
  ownTemplate ??= createPgliteTemplate().then((t) => {
    // exit handlers cannot wait: remove it synchronously.
    process.once('exit', () => rmSync(path.dirname(t.store), { recursive: true, force: true }));
    return t;
  });
  return ownTemplate.then((t) => t.store);
}

/** Puts a copy of the migrated store into `dataDir`, as if the CLI had already been run there once. */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
  // FICLONE: a copy-on-write clone where the file system can, a plain copy elsewhere.
  await cp(await templateStore(), path.join(dataDir, STORE_DIR), { recursive: true, mode: constants.COPYFILE_FICLONE });
}
