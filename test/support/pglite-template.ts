// The embedded store every embedded scenario starts from. Creating a PGlite store (initdb inside WASM, then the
// migrations) costs 5–9 s; copying a finished one costs well under one. So the real CLI creates and migrates one
// store per test run (`status` opens the store like every command and never calls the exchange), and each target
// gets a copy of its `pgdata` — never of the lock file or anything else the data directory holds.
// run-tests.ts names it in CRYPTOCOLLECT_TEST_PGLITE_TEMPLATE and builds it while the first test files already run
// (those on PostgreSQL need not wait for it): a copy waits for the marker file the build leaves when it is done. A
// test process started some other way builds one of its own on first use.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from './run-cli.ts';

const run = promisify(execFile);

export const TEST_PGLITE_TEMPLATE_ENV = 'CRYPTOCOLLECT_TEST_PGLITE_TEMPLATE';

/** Where the embedded database lives inside a data directory (src/db/open-database.ts). */
export const STORE_DIR = 'pgdata';

/** Left next to the store once it is complete: holds "ok", or why the build failed. */
const OUTCOME_FILE = 'outcome';

export interface PgliteTemplate {
  /** Where the migrated store (a `pgdata` folder) is, or will be once `built` resolves. */
  store: string;
  /** Resolves once the store is complete; rejects when it could not be made. */
  built: Promise<void>;
  /** Removes the template. Safe to call more than once. */
  remove(): Promise<void>;
}

export async function createPgliteTemplate(): Promise<PgliteTemplate> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cc-pglite-template-'));
  const build = async (): Promise<void> => {
    // Nothing listens on port 9: the command must not need the exchange.
    const res = await runCli({ baseUrl: 'http://127.0.0.1:9', dataDir }, ['status', '--json']);
    const failure = res.code === 0 ? null : `the CLI could not create the embedded template store (exit ${res.code}; is dist/ built? npx tsc -p tsconfig.json):\n${res.stderr}`;
    // Written aside and renamed into place: a reader polling for the file must never see it empty or half written.
    const outcome = path.join(dataDir, OUTCOME_FILE);
    await writeFile(`${outcome}.partial`, failure ?? 'ok');
    await rename(`${outcome}.partial`, outcome);
    if (failure) throw new Error(failure);
  };
  const built = build();
  // Whoever awaits `built` sees a failure; an unawaited one must not end the process.
  built.catch(() => undefined);
  return { store: path.join(dataDir, STORE_DIR), built, remove: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Waits for the build of the store at `store` (in another process) to finish; throws its failure. */
async function builtElsewhere(store: string): Promise<void> {
  const outcome = path.join(path.dirname(store), OUTCOME_FILE);
  for (;;) {
    const text = await readFile(outcome, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text === 'ok') return;
    if (text !== null) throw new Error(text);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let ownTemplate: Promise<PgliteTemplate> | undefined;

async function templateStore(): Promise<string> {
  const fromRun = process.env[TEST_PGLITE_TEMPLATE_ENV];
  if (fromRun) {
    await builtElsewhere(fromRun);
    return fromRun;
  }
  ownTemplate ??= createPgliteTemplate().then((t) => {
    // exit handlers cannot wait: remove it synchronously.
    process.once('exit', () => rmSync(path.dirname(t.store), { recursive: true, force: true }));
    return t;
  });
  const own = await ownTemplate;
  await own.built;
  return own.store;
}

/** Puts a copy of the migrated store into `dataDir`, as if the CLI had already been run there once. */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
  // cp(1), not fs.cp: the store is about a thousand files, which fs.cp walks in JavaScript at about 0.27 CPU-s a copy
  // against 0.07 for cp's whole process (a clone where GNU cp and the file system can), and the suite makes hundreds.
  await run('cp', ['-R', await templateStore(), path.join(dataDir, STORE_DIR)]);
}
