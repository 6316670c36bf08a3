// Runs the CLI in this process (runCli from src/cli.ts) with fake streams and environment: usage, help and JSON
// contract tests need no child process. Scenario tests spawn the real CLI (test/support/run-cli.ts).
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli.ts';
import type { CliTarget } from '../support/run-cli.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** The environment test/support/run-cli.ts gives its child, for the same target. */
export function targetEnv(target: CliTarget): Record<string, string | undefined> {
  return {
    HOME: process.env.HOME,
    BINANCE_BASE_URL: target.baseUrl,
    CRYPTOCOLLECT_DATA_DIR: target.dataDir,
    CRYPTOCOLLECT_RETRY_BASE_MS: '20',
    CRYPTOCOLLECT_SOURCE: 'rest',
    BINANCE_ARCHIVE_URL: target.baseUrl,
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...target.env,
  };
}

export async function runInProcess(args: string[], options: { env?: Readonly<Record<string, string | undefined>>; cwd?: string } = {}): Promise<InProcessResult> {
  const out = collector();
  const err = collector();
  const code = await runCli(args, {
    stdout: out.stream,
    // Not a terminal: no progress display, as under cron.
    stderr: Object.assign(err.stream, { isTTY: false }) as unknown as NodeJS.WriteStream,
    env: options.env ?? { HOME: process.env.HOME },
    // Not the checkout: a .env there would leak into the test.
    cwd: options.cwd ?? tmpdir(),
    stop: new AbortController().signal,
    cancel: new AbortController().signal,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

export function runTarget(target: CliTarget, args: string[]): Promise<InProcessResult> {
  return runInProcess(args, { env: targetEnv(target), cwd: target.cwd ?? target.dataDir });
}

/** Parses stdout as the one JSON document --json promises; fails loudly with the output otherwise. */
export function documentOf<T = Record<string, unknown>>(res: InProcessResult): T {
  try {
    return JSON.parse(res.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${res.code}):\n${res.stdout}\nstderr:\n${res.stderr}`);
  }
}
