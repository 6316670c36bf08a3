/**
 * Test entry point (`npm test` runs it after `tsc`):
 *
 *   node --import tsx test/support/run-tests.ts [--node-test-flag…] [files…]
 *
 * - If CRYPTOCOLLECT_TEST_PG_URL is unset/empty, starts a throwaway PostgreSQL
 *   cluster and exports its URL to the tests; stops it afterwards (also on
 *   SIGINT/SIGTERM/SIGHUP).
 * - Builds the two templates the tests clone, once for the run, and names them
 *   to the tests: a migrated PostgreSQL database (CRYPTOCOLLECT_TEST_PG_TEMPLATE,
 *   see test-database.ts) and a migrated embedded store
 *   (CRYPTOCOLLECT_TEST_PGLITE_TEMPLATE, see pglite-template.ts); removes them
 *   afterwards. The embedded one is made by the built CLI (dist/).
 * - Bundles the given files, or every `*.test.ts` under test/ (except test/bench/),
 *   into plain JavaScript (bundle-tests.ts: no TypeScript loader in the test
 *   processes), and runs `node --enable-source-maps --test --test-concurrency=6
 *   --test-reporter=spec` on the bundles; a `--test-concurrency=N` of your own wins.
 *   Arguments starting with `-` are passed through to node (e.g.
 *   `--test-name-pattern=foo`; `--test-reporter=tap` replaces spec, whose
 *   summary lines read `ℹ pass N` rather than TAP's `# pass N`). Use the
 *   `--flag=value` form: separate values would be taken for file names.
 * - Exits with the child's exit code. Nothing is printed after the child's
 *   output, so the runner's `# pass N` / `# fail N` summary stays last.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTestFiles } from './bundle-tests.ts';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';
import { createPgliteTemplate, TEST_PGLITE_TEMPLATE_ENV } from './pglite-template.ts';
import { createTemplateDatabase, TEST_PG_TEMPLATE_ENV, TEST_PG_URL_ENV } from './test-database.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const testRoot = join(repoRoot, 'test');
const excludedDirs = new Set([join(testRoot, 'bench'), join(testRoot, 'node_modules')]);

function findTestFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!excludedDirs.has(full) && !entry.name.startsWith('.')) findTestFiles(full, out);
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      out.push(full);
    }
  }
  return out;
}

// Files run as processes of their own, and most of their time is spent waiting — on the CLI children they start, on
// the databases, on the fake exchange's latency and timeouts — so more of them run at once than there are cores.
const CONCURRENCY = 6;

// node --test starts files in the order given. The run ends when its longest file does, so the long ones start
// first and the short unit tests fill the gaps at the end: db-restart waits out the ~30 s the CLI rides out a database
// that stays down, disk-full fills an embedded store twice; then the rest of the CLI scenarios.
const START_FIRST = ['cli/db-restart.test.ts', 'cli/disk-full.test.ts'].map((f) => join(testRoot, f));

function startRank(file: string): number {
  const first = START_FIRST.indexOf(file);
  if (first >= 0) return first;
  return file.startsWith(join(testRoot, 'cli') + sep) ? START_FIRST.length : START_FIRST.length + 1;
}

const signalExitCodes: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The value of a set-up step, or its failure on stderr and exit 1 (the exit handler stops what was started). */
async function orExit<T>(what: string, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (e) {
    console.error(`run-tests: could not ${what}:\n${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const passthrough = args.filter((a) => a.startsWith('-'));
  let files = args.filter((a) => !a.startsWith('-'));
  if (files.length === 0) {
    files = findTestFiles(testRoot)
      .sort((a, b) => startRank(a) - startRank(b) || a.localeCompare(b))
      .map((f) => relative(process.cwd(), f) || f);
    if (files.length === 0) {
      console.error(`run-tests: no *.test.ts files found under ${testRoot}`);
      process.exit(1);
    }
  }
  // Make relative paths explicit so node never treats them as module specifiers.
  files = files.map((f) => (f.startsWith('.') || f.startsWith(sep) ? f : `.${sep}${f}`));

  let cluster: PostgresCluster | undefined;
  let child: ChildProcess | undefined;
  let signalled: NodeJS.Signals | undefined;

  // Last-resort cleanup if we die unexpectedly; normally stop() has already run.
  process.on('exit', () => cluster?.stopSync());

  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      // Second signal: stop waiting for the child.
      child?.kill('SIGKILL');
      cluster?.stopSync();
      process.exit(signalExitCodes[signal] ?? 1);
    }
    signalled = signal;
    // On Ctrl-C the terminal already sent SIGINT to the child's process group; forward anyway
    // (harmless) so `kill -TERM <runner>` also ends the tests.
    if (child && child.exitCode === null) child.kill(signal);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);

  // Bundled while the databases are made: a folder of this run's own, so that two runs in one clone never meet.
  const bundleRoot = join(repoRoot, 'node_modules', '.cache', 'cryptocollect-tests');
  mkdirSync(bundleRoot, { recursive: true });
  const bundleDir = mkdtempSync(join(bundleRoot, 'run-'));
  process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
  const bundled = bundleTestFiles(files, repoRoot, bundleDir);
  bundled.catch(() => undefined);

  // The embedded template takes longest (a WASM initdb): the tests start while it is built, and wait for it only
  // where they copy it.
  const pgliteTemplate = await orExit('make a folder for the embedded template store', createPgliteTemplate());
  process.on('exit', () => rmSync(dirname(pgliteTemplate.store), { recursive: true, force: true }));
  process.env[TEST_PGLITE_TEMPLATE_ENV] = pgliteTemplate.store;
  if (!process.env[TEST_PG_URL_ENV]) {
    cluster = await orExit('start a PostgreSQL cluster for the tests', startPostgresCluster());
    process.env[TEST_PG_URL_ENV] = cluster.url;
  }
  const pgTemplate = await orExit('build the template database for the tests', createTemplateDatabase());
  process.env[TEST_PG_TEMPLATE_ENV] = pgTemplate.name;
  const cleanUp = async (): Promise<void> => {
    // A cluster of our own goes with its templates; on someone else's, only the template database must go.
    if (cluster) await cluster.stop();
    else await pgTemplate.drop().catch(() => undefined);
    // Its build may still be running (no embedded test needed it): let it end before removing its folder.
    await pgliteTemplate.built.catch(() => undefined);
    await pgliteTemplate.remove();
  };
  if (signalled) {
    await cleanUp();
    process.exit(signalExitCodes[signalled] ?? 1);
  }

  // A `--test-reporter=…` given on the command line replaces the default spec reporter.
  const reporter = passthrough.some((a) => a.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec'];
  const bundles = await orExit('bundle the test files', bundled);
  const nodeArgs = ['--enable-source-maps', '--test', `--test-concurrency=${CONCURRENCY}`, ...reporter, ...passthrough, ...bundles];
  const code = await new Promise<number>((resolveCode) => {
    child = spawn(process.execPath, nodeArgs, { stdio: 'inherit', env: process.env });
    child.on('error', (e) => {
      console.error(`run-tests: could not start node --test: ${e.message}`);
      resolveCode(1);
    });
    child.on('exit', (c, sig) => {
      if (c !== null) resolveCode(c);
      else resolveCode(sig ? 128 + (osConstants.signals[sig] ?? 0) : 1);
    });
  });

  await cleanUp();
  process.exit(signalled && code === 0 ? (signalExitCodes[signalled] ?? 1) : code);
}

await main();
