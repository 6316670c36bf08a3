/**
 * Throwaway PostgreSQL clusters for tests.
 *
 * `startPostgresCluster()` runs `initdb` + `pg_ctl start` on a fresh temp
 * directory and a free loopback port. When running as root (CI containers),
 * the binaries are run as the `postgres` OS user through `runuser`, because
 * initdb/pg_ctl refuse to run as root. `stop()` shuts the server down
 * (`pg_ctl stop -m fast`, falling back to signals on the postmaster pid) and
 * removes the temp directory. It is idempotent.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** Postmaster pid. */
  pid: number;
  port: number;
  /** PGDATA directory (inside `rootDir`). */
  dataDir: string;
  /** Temp directory holding data dir, socket dir and server log; removed by stop(). */
  rootDir: string;
  /** Server log file. */
  logFile: string;
  /** Stops the server and removes `rootDir`. Safe to call more than once. */
  stop(): Promise<void>;
  /** Synchronous variant of stop(), usable from `process.on('exit')`. */
  stopSync(): void;
}

export interface StartPostgresClusterOptions {
  /** Parent directory for the temp dir (default: os.tmpdir(), or /tmp when the postgres user cannot use it). */
  tmpRoot?: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  /** Seconds pg_ctl waits for start/stop (default 60). */
  timeoutSeconds?: number;
}

interface Runner {
  /** Command + args prefix for running a PostgreSQL binary (e.g. `runuser -u postgres --`). */
  wrap(bin: string, args: string[]): [string, string[]];
  /** uid/gid that must own the cluster's files, or null to keep the current user. */
  owner: { uid: number; gid: number } | null;
}

const BIN_NAMES = ['initdb', 'pg_ctl'] as const;

/** Directory holding initdb/pg_ctl, or null to rely on PATH. */
export function findPostgresBinDir(): string | null {
  const hasBins = (dir: string): boolean => BIN_NAMES.every((b) => existsSync(join(dir, b)));
  try {
    const out = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (out && hasBins(out)) return out;
  } catch {
    // no pg_config on PATH
  }
  const base = '/usr/lib/postgresql';
  try {
    const versions = readdirSync(base)
      .filter((v) => hasBins(join(base, v, 'bin')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a) || b.localeCompare(a));
    if (versions[0] !== undefined) return join(base, versions[0], 'bin');
  } catch {
    // no Debian-style layout
  }
  return null;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function findRunuser(): string {
  for (const p of ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser', '/bin/runuser']) {
    if (existsSync(p)) return p;
  }
  return 'runuser';
}

function lookupPostgresUser(): { uid: number; gid: number } {
  const get = (flag: string): number => {
    try {
      return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      throw new Error(
        'Running as root, but there is no "postgres" OS user to run initdb/pg_ctl as. ' +
          'Install PostgreSQL (apt-get install postgresql) or run the tests as a non-root user.',
      );
    }
  };
  return { uid: get('-u'), gid: get('-g') };
}

function makeRunner(): Runner {
  if (!isRoot()) return { wrap: (bin, args) => [bin, args], owner: null };
  const owner = lookupPostgresUser();
  const runuser = findRunuser();
  return { wrap: (bin, args) => [runuser, ['-u', 'postgres', '--', bin, ...args]], owner };
}

/** Environment for PostgreSQL binaries: no inherited PG* variables, C locale. */
function pgEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PG') && !k.startsWith('LC_') && k !== 'LANG') env[k] = v;
  }
  env.LANG = 'C';
  env.LC_ALL = 'C';
  return env;
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: pgEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A currently free TCP port on 127.0.0.1 (racy by nature; start retries on collision). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

function pickTmpRoot(runner: Runner, requested: string | undefined): string {
  if (requested) return requested;
  const candidate = tmpdir();
  if (!runner.owner) return candidate;
  // The postgres user must be able to traverse the parent; /tmp always works.
  const r = spawnSync(findRunuser(), ['-u', 'postgres', '--', 'test', '-x', candidate], { stdio: 'ignore' });
  return r.status === 0 ? candidate : '/tmp';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPostmasterPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Start a throwaway cluster. Always call `stop()` (e.g. in a finally / signal handler). */
export async function startPostgresCluster(options: StartPostgresClusterOptions = {}): Promise<PostgresCluster> {
  const binDir = findPostgresBinDir();
  const bin = (name: string): string => (binDir ? join(binDir, name) : name);
  const runner = makeRunner();
  const timeout = options.timeoutSeconds ?? 60;

  const rootDir = mkdtempSync(join(pickTmpRoot(runner, options.tmpRoot), 'cryptocollect-pg-'));
  const dataDir = join(rootDir, 'data');
  const sockDir = join(rootDir, 'sock');
  const logFile = join(rootDir, 'server.log');
  mkdirSync(sockDir);
  if (runner.owner) {
    chownSync(rootDir, runner.owner.uid, runner.owner.gid);
    chownSync(sockDir, runner.owner.uid, runner.owner.gid);
  }
  const removeRoot = (): void => rmSync(rootDir, { recursive: true, force: true });

  const exec = async (name: string, args: string[]): Promise<RunResult> => {
    const [cmd, full] = runner.wrap(bin(name), args);
    try {
      return await run(cmd, full, rootDir);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') {
        throw new Error(`cannot run ${cmd}: not found. Install PostgreSQL (apt-get install postgresql) or put its bin dir on PATH.`);
      }
      throw err;
    }
  };

  try {
    const init = await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);

    const settings: Record<string, string | number> = {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: 200,
      ...options.settings,
    };
    const settingArgs = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');

    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await findFreePort();
      const opts = `-h 127.0.0.1 -p ${port} -k ${sockDir} ${settingArgs}`;
      const started = await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', String(timeout), '-o', opts, 'start']);
      const pid = readPostmasterPid(dataDir);
      if (started.code === 0 && pid !== null) {
        return makeHandle({ port, pid, dataDir, rootDir, logFile, exec, removeRoot, binPath: bin('pg_ctl'), runner, timeout });
      }
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8');
      } catch {
        // no log yet
      }
      lastError = `pg_ctl start failed (exit ${started.code}):\n${started.output}\n--- server log ---\n${log}`;
      // Make sure a half-started server is gone before retrying.
      if (pid !== null && isAlive(pid)) {
        await exec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      }
      if (!/could not bind|address already in use/i.test(log)) break;
    }
    throw new Error(lastError);
  } catch (e) {
    removeRoot();
    throw e;
  }
}

function makeHandle(p: {
  port: number;
  pid: number;
  dataDir: string;
  rootDir: string;
  logFile: string;
  exec: (name: string, args: string[]) => Promise<RunResult>;
  removeRoot: () => void;
  binPath: string;
  runner: Runner;
  timeout: number;
}): PostgresCluster {
  let stopped = false;
  const stopArgs = ['-D', p.dataDir, '-m', 'fast', '-w', '-t', String(p.timeout), 'stop'];

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      if (isAlive(p.pid)) {
        try {
          await p.exec('pg_ctl', stopArgs);
        } catch {
          // fall through to signals
        }
        await killAndWait(p.pid, sleep);
      }
    } finally {
      p.removeRoot();
    }
  };

  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      if (isAlive(p.pid)) {
        const [cmd, args] = p.runner.wrap(p.binPath, stopArgs);
        spawnSync(cmd, args, { cwd: p.rootDir, env: pgEnv(), stdio: 'ignore', timeout: (p.timeout + 5) * 1000 });
        killAndWaitSync(p.pid);
      }
    } finally {
      p.removeRoot();
    }
  };

  return {
    url: `postgres://postgres@127.0.0.1:${p.port}/postgres`,
    pid: p.pid,
    port: p.port,
    dataDir: p.dataDir,
    rootDir: p.rootDir,
    logFile: p.logFile,
    stop,
    stopSync,
  };
}

/** Escalate SIGINT (fast shutdown) → SIGQUIT → SIGKILL until the postmaster is gone. */
async function killAndWait(pid: number, wait: (ms: number) => Promise<void>): Promise<void> {
  for (const [signal, ms] of [['SIGINT', 10_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    if (!isAlive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < ms && isAlive(pid); waited += 50) await wait(50);
  }
}

function killAndWaitSync(pid: number): void {
  for (const [signal, ms] of [['SIGINT', 10_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    if (!isAlive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < ms && isAlive(pid); waited += 50) sleepSync(50);
  }
}

/** Convenience wrapper: `await stopPostgresCluster(cluster)`. */
export function stopPostgresCluster(cluster: Pick<PostgresCluster, 'stop'>): Promise<void> {
  return cluster.stop();
}

/** Synchronous stop for `process.on('exit')` handlers. */
export function stopPostgresClusterSync(cluster: Pick<PostgresCluster, 'stopSync'>): void {
  cluster.stopSync();
}

