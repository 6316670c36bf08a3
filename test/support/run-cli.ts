// Runs the real CLI (bin/cryptocollect.js → dist/) as a child process, the way users and cron do.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { holdsStore, releaseStore } from './stored-rows.ts';

export const BIN = fileURLToPath(new URL('../../bin/cryptocollect.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliTarget {
  /** The fake exchange's URL. */
  baseUrl: string;
  /** PostgreSQL URL, or undefined for the embedded database in dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Extra environment (e.g. CRYPTOCOLLECT_RETRY_BASE_MS). */
  env?: Record<string, string>;
  cwd?: string;
}

function childEnv(target: CliTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BINANCE_BASE_URL: target.baseUrl,
    CRYPTOCOLLECT_DATA_DIR: target.dataDir,
    // Tests inject faults on purpose: keep backoff short so they stay fast.
    CRYPTOCOLLECT_RETRY_BASE_MS: '20',
    // The suite's scenarios were written for the REST source; the archive's tests ask for `auto` or `archive`. Never
    // the real archive: the fake serves it too.
    CRYPTOCOLLECT_SOURCE: 'rest',
    BINANCE_ARCHIVE_URL: target.baseUrl,
    ...target.env,
  };
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  return env;
}

/** Starts the CLI; the test must not hold its embedded store open (`await releaseStore(dataDir)` first). */
export function startCli(target: CliTarget, args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  if (!target.databaseUrl && holdsStore(target.dataDir)) {
    throw new Error(`the test still holds the embedded store in ${target.dataDir} open: await releaseStore() before starting the CLI on it`);
  }
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(target), cwd: target.cwd ?? target.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function runCli(target: CliTarget, args: string[]): Promise<CliResult> {
  await releaseStore(target.dataDir);
  return startCli(target, args).done;
}

/** Parses stdout as the one JSON document --json promises; fails loudly with the output otherwise. */
export function jsonOf<T = Record<string, unknown>>(res: CliResult): T {
  try {
    return JSON.parse(res.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${res.code}):\n${res.stdout}\nstderr:\n${res.stderr}`);
  }
}
