import type { Clock } from '../clock.js';
import type { Db } from '../db/schema.js';
import type { CommandName } from '../domain.js';
import type { RequestStats } from '../exchange/request-stats.js';
import { unrecordedRunsDir } from '../runlog/unrecorded-runs.js';
import type { RunSetup } from './recorded-run.js';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseAccess, type DatabaseHandle } from '../db/open-database.js';
import { BinanceClient } from '../exchange/binance-client.js';
import type { HttpGet } from '../exchange/http-get.js';
import type { Progress } from '../output/progress.js';

/** Everything a command needs from the outside world, passed in so commands run the same from the CLI and tests. */
export interface CommandContext {
  readonly config: Config;
  readonly clock: Clock;
  readonly http: HttpGet;
  readonly progress: Progress;
  /** Aborted on the first SIGINT/SIGTERM: stop issuing requests, let in-flight pages commit. */
  readonly stop: AbortSignal;
  /** Aborted a few seconds after `stop`: abandon the requests still on the wire (a hung one would hold the exit). */
  readonly cancel?: AbortSignal;
}

/** What recordedRun needs from a command. */
export function runSetup(ctx: CommandContext, db: Db, command: CommandName, args: Record<string, unknown>, stats: RequestStats, serverTime: number): RunSetup {
  return { db, command, args, stats, serverTime, stop: ctx.stop, unrecordedDir: unrecordedRunsDir(ctx.config.dataDir) };
}

export function createClient(ctx: CommandContext): BinanceClient {
  return new BinanceClient({
    baseUrl: ctx.config.baseUrl,
    http: ctx.http,
    clock: ctx.clock,
    timeoutMs: ctx.config.timeoutMs,
    retries: ctx.config.retries,
    retryBaseMs: ctx.config.retryBaseMs,
    maxRetryAfterMs: ctx.config.maxRetryAfterMs,
    stop: ctx.stop,
    ...(ctx.cancel ? { cancel: ctx.cancel } : {}),
  });
}

/**
 * Opens the configured database for the duration of `fn`, and always closes it (releasing the embedded lock).
 * `access: 'read'` for the commands that only look (status, gaps without --fill/--recheck): no migration of a
 * current schema, read-only sessions (db/open-database.ts). Writing is the default.
 */
export async function withDatabase<T>(ctx: CommandContext, fn: (handle: DatabaseHandle) => Promise<T>, opts: { access?: DatabaseAccess } = {}): Promise<T> {
  const target = { databaseUrl: ctx.config.databaseUrl, dataDir: ctx.config.dataDir, poolSize: ctx.config.concurrency + 2 };
  const handle = await openDatabase(target, { access: opts.access ?? 'write' });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}
